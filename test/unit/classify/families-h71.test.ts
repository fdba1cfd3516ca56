// The "h71" blocks of rules/phrases.toml: the sending IP or server refused for its
// reputation in other languages, Exchange Online's DNS and routing codes, a recipient no
// longer on the server, content refused for banned words, and content scanners' spam
// tags and score lines. Loaded as the bundled config loads the shipped rules. Every
// family is tested with wordings written here and with the nearest phrases of other
// labels that must NOT get its label: the message judged as spam, a recipient's own
// block list, a domain that does not exist, a sender no longer on the server, a mailbox
// disabled for now, an attachment type, a virus, and blocklists named by scanners.
import { describeFamilies } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  'the sending IP or server listed or of bad reputation, in other languages': [
    ['550 5.7.1 Votre serveur est répertorié comme source de spam', 'SpamBlock'],
    ["550 5.7.1 L'adresse IP de votre serveur figure sur une liste anti-spam", 'SpamBlock'],
    ['554 Votre IP est listée chez bl.example.org', 'SpamBlock'],
    ['550 5.7.1 Ihr Mailserver ist als Spamquelle bekannt', 'SpamBlock'],
    ['554 Ihre IP-Adresse ist bei bl.example.org gelistet', 'SpamBlock'],
    ['550 Der sendende Server steht auf unserer Spamliste', 'SpamBlock'],
    ['550 5.7.1 La dirección IP de su servidor figura en una lista de spam', 'SpamBlock'],
    ['554 Servidor listado en bl.example.org', 'SpamBlock'],
    ["550 5.7.1 L'indirizzo IP del mittente è elencato in una lista di blocco", 'SpamBlock'],
    ['554 Il server di invio è considerato una fonte di spam', 'SpamBlock'],
    ['550 5.7.1 O endereço IP do servidor está listado como fonte de spam', 'SpamBlock'],
    ['554 Servidor remetente em lista de bloqueio', 'SpamBlock'],
    ['550 5.7.1 Het IP-adres van de server staat op een spamlijst', 'SpamBlock'],
    ['554 Uw mailserver is bekend als spambron', 'SpamBlock'],
    ['550 5.7.1 Serwer nadawcy jest źródłem spamu', 'SpamBlock'],
    ['554 Adres IP figuruje na liście spamerów', 'SpamBlock'],
    ['550 5.7.1 IP-адрес отправителя является источником спама', 'SpamBlock'],
    ['554 Сервер отправителя внесен в список спамеров', 'SpamBlock'],
    ['550 5.7.1 Le serveur expéditeur a une mauvaise réputation', 'SpamBlock'],
    ['550 5.7.1 Abgelehnt wegen schlechter Reputation der IP', 'SpamBlock'],
    ['550 5.7.1 Rechazado por baja reputación del servidor', 'SpamBlock'],
    ['550 5.7.1 Rifiutato per scarsa reputazione del mittente', 'SpamBlock'],
    ['550 5.7.1 Recusado: má reputação do IP', 'SpamBlock'],
    ['550 5.7.1 Geweigerd wegens slechte reputatie van de server', 'SpamBlock'],
    ['550 5.7.1 Odrzucono z powodu złej reputacji serwera', 'SpamBlock'],
    ['550 5.7.1 Отклонено: низкая репутация IP-адреса', 'SpamBlock'],
    ['550 送信サーバーのIPはブロックリストに掲載されています', 'SpamBlock'],
    ['550 送信元ホストの評価が低いため拒否しました', 'SpamBlock'],
    ['550 发件服务器已被列入黑名单', 'SpamBlock'],
    ['550 发信服务器IP信誉度低，拒绝接收', 'SpamBlock'],
    ['550 발송 서버가 차단 목록에 있습니다', 'SpamBlock'],
    ['550 보내는 서버의 평판이 낮아 거부되었습니다', 'SpamBlock'],
    ['550 5.7.1 Sending server suspected of being a source of spam', 'SpamBlock'],
    ['550 5.7.1 Servidor sospechoso de enviar spam', 'SpamBlock'],
    ["550 5.7.1 L'IP del mittente è sospettata di inviare spam", 'SpamBlock'],
    ['554 Uw IP-adres staat op onze blokkadelijst', 'SpamBlock'],
    ['550 5.7.1 Il server di invio ha una pessima reputazione', 'SpamBlock'],
    // Nearest: the message judged as spam, a recipient's own block list, a refusal by
    // policy, an infected attachment.
    ['550 5.7.1 Votre message a été classé comme spam', 'SpamContent'],
    ['550 5.7.1 Die Nachricht wurde als Spam eingestuft', 'SpamContent'],
    ['550 5.7.1 El mensaje fue clasificado como spam', 'SpamContent'],
    ['550 5.7.1 Письмо распознано как спам', 'SpamContent'],
    ['550 邮件被判定为垃圾邮件', 'SpamContent'],
    ['550 您已被收件人加入黑名单', 'PolicyRelated'],
    ['550 受信拒否設定により拒否されました', 'PolicyRelated'],
    ['550 5.7.1 Nachricht aus Richtliniengründen abgelehnt', 'PolicyRelated'],
    ["550 5.7.1 L'expéditeur est soupçonné d'être un spammeur", 'PolicyRelated'],
    ['550 5.7.1 Mensaje sospechoso de ser spam', 'SpamContent'],
    ['554 Le courriel contient un virus', 'VirusRelated'],
  ],
  'Exchange Online DNS and routing codes': [
    ['550 5.4.310 DNS domain mail.example.org does not exist', 'BadDomain'],
    ['550 5.4.312 DNS query failed', 'DNSFailure'],
    ['550 5.4.312 Message expired, DNS query failed (ServerFailure)', 'MessageExpired'],
    ['550 5.4.312 DNS query failed with error ServerFailure', 'DNSFailure'],
    ['451 4.4.312 DNS query failed [Message=ServerFailure]', 'DNSFailure'],
    ['550 5.4.316 Message expired, connection refused (Socket error code 10061)', 'MessageExpired'],
    ['451 4.4.316 Connection refused [Message=Socket error code 10061]', 'NoAnswerFromHost'],
    ['550 5.4.300 Message expired', 'MessageExpired'],
    ['554 5.4.14 Hop count exceeded - possible mail loop', 'RoutingErrors'],
    ['554 5.4.6 Routing loop detected', 'RoutingErrors'],
    ['450 4.4.7 Message expired', 'MessageExpired'],
    // Nearest: a lookup that said the domain does not exist, and a DNS failure for now.
    ['550 5.1.2 DNS query failed: domain not found', 'BadDomain'],
    ['550 5.4.4 Unable to route because the recipient domain does not exist', 'BadDomain'],
    ['451 4.4.0 DNS query failed, will retry', 'DNSFailure'],
    ['550 The recipient domain no longer exists', 'BadDomain'],
    ['550 Domain example.org has expired', 'BadDomain'],
    // (h89) The sender's domain and a certificate's domain are not the recipient's.
    ['553 5.1.8 Your sending domain has expired', 'InvalidSender'],
    ['454 4.7.5 TLS certificate of domain mx.example.net has expired', 'AuthenticationFailed'],
  ],
  'a recipient no longer on the server': [
    ['550 Addressee no longer on this server', 'InvalidRecipient'],
    ['550 5.1.1 <someone@example.org>: recipient no longer on this system', 'InvalidRecipient'],
    ['550 No longer on this server', 'InvalidRecipient'],
    ['550 Mailbox no longer exists', 'InvalidRecipient'],
    ['550 That address is no longer here', 'InvalidRecipient'],
    ['550 User no longer has an account on this server', 'InvalidRecipient'],
    // Nearest: an account closed, deleted or disabled (a state of the mailbox), a
    // sender no longer on the server, a mailbox disabled for now.
    ['550 The account has been removed by its owner', 'InactiveMailbox'],
    ['550 Recipient account deleted', 'InactiveMailbox'],
    ['550 This account has been closed', 'InactiveMailbox'],
    ['550 5.1.0 Sender address no longer on this server', 'InvalidSender'],
    ['553 Sender no longer exists', 'InvalidSender'],
    ['550 Return-path address: old@example.net no longer exists', 'InvalidSender'],
    ["550 The sender's mailbox no longer exists", 'InvalidSender'],
    // (h89) The sender named before a recipient that is gone is no sender gone.
    [
      '550 5.1.1 Delivery from the sender failed: recipient mailbox no longer exists on this server',
      'InvalidRecipient',
    ],
    ['550 5.1.1 The account the sender tried to reach no longer exists', 'InvalidRecipient'],
    ['450 4.2.1 Mailbox temporarily disabled', 'InactiveMailbox'],
    ['550 Mailbox no longer in use', 'InactiveMailbox'],
    ['550 5.2.1 This mailbox no longer accepts mail', 'InactiveMailbox'],
    // (h89) A sender no longer accepted is refused by policy, not a mailbox out of use.
    ['550 5.7.1 We no longer accept mail from this sender', 'PolicyRelated'],
  ],
  'content refused for banned words': [
    ['550 5.7.1 Your message contains a banned word', 'ContentRelated'],
    ['554 Message refused: forbidden phrases in the body', 'ContentRelated'],
    ['550 5.7.1 Prohibited content in message', 'ContentRelated'],
    ['550 Inappropriate language detected, message refused', 'ContentRelated'],
    ['554 5.7.1 The words in this message are not allowed', 'ContentRelated'],
    ['550 5.7.1 Message contains inappropriate content', 'ContentRelated'],
    // (h89) The terms of use, a MIME type and a policy on restricted content are not banned words.
    ['550 5.7.1 Bulk mail that violates our terms of use is not allowed', 'PolicyRelated'],
    [
      '550 5.7.1 Mail from your server violates our terms of service and is not accepted',
      'PolicyRelated',
    ],
    ['554 5.7.1 Sending to this list is against our terms and is prohibited', 'PolicyRelated'],
    ['552 5.7.1 Restricted content type: application/x-dosexec', 'ProhibitedAttachment'],
    [
      '550 5.7.1 Recipient does not accept restricted content from external senders',
      'PolicyRelated',
    ],
    ['550 Rejected: profanity filter', 'ContentRelated'],
    ['554 5.7.0 Reject, id=01234-05 - BANNED: .exe,report.pdf.exe', 'ProhibitedAttachment'],
    // Nearest: an attachment type, a virus, spam, a banned sending IP.
    ['552 5.7.0 Attachment type .scr is not permitted', 'ProhibitedAttachment'],
    ['550 Blocked file extension .js', 'ProhibitedAttachment'],
    ['554 5.7.1 Message contains a virus', 'VirusRelated'],
    ['550 5.7.1 Message contains spam content', 'SpamContent'],
    ['550 5.7.606 Access denied, banned sending IP [192.0.2.9]', 'SpamBlock'],
  ],
  'scanner spam tags and score lines': [
    ['554 5.7.1 Rejected by gateway: BARRACUDA_SPAM', 'SpamContent'],
    ['550 Blocked: BARRACUDA_BLOCK_SPAM', 'SpamContent'],
    ['554 X-Barracuda-Spam-Status: Yes, SCORE=9.20', 'SpamContent'],
    ['550 5.7.1 Message has scored too high', 'SpamContent'],
    ['550 Mail scored 11.0 points, threshold 5.0', 'SpamContent'],
    ['554 Rejected (15.3 points, 5.0 required)', 'SpamContent'],
    ['550 5.7.1 X-Spam-Flag: YES', 'SpamContent'],
    ['550 spam score 9.7 exceeds limit', 'SpamContent'],
    // Nearest: blocklists named by the same products, and a reputation score.
    ['550 5.7.1 Client blocked: SPAMHAUS', 'SpamBlock'],
    ['554 Rejected: listed by SPAMCOP', 'SpamBlock'],
    ['554 5.7.1 192.0.2.7 is listed in zen.spamhaus.org', 'SpamBlock'],
    ['554 Rejected: BARRACUDA_RBL', 'SpamBlock'],
    ['550 5.7.1 Poor sender score', 'SpamBlock'],
  ],
};

describeFamilies(FAMILIES);
