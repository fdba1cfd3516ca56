// The "h78" blocks of rules/phrases.toml: words the receiver lists ("blacklisted words"),
// banned words and content in other languages, a listed link or domain the message
// carries, content scanners' spam scores in other languages, routing refusals in other
// words than "unable to route", the person behind the address gone from the company,
// and an attachment or file type refused in other languages. Loaded as the bundled
// config loads the shipped rules. Every family is tested with wordings written here and
// with the nearest phrases of other labels that must NOT get its label: a listed
// sending IP or sender domain, a message judged as spam, an attachment type, a
// password, a recipient no longer on the server, a connection with no route to the
// host, a domain that does not exist, a relay refusal, a reputation score of the
// sender, a virus, an attachment too big.
import { describeFamilies } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  'words the receiver lists, said with a list word': [
    ['550 5.7.1 Your e-mail contains blacklisted words', 'ContentRelated'],
    ['554 Rejected: blocklisted phrase found in subject', 'ContentRelated'],
    ['550 Message refused, it has blacklisted content', 'ContentRelated'],
    ['550 5.7.1 Some words from the blacklist were found in your message', 'ContentRelated'],
    ['554 Body matched our keyword blocklist', 'ContentRelated'],
    ['550 Phrases matching the deny-list are not accepted', 'ContentRelated'],
    ['550 5.7.1 Your text contains deny-listed keywords', 'ContentRelated'],
    ['550 5.7.1 The phrase "free money" is blocklisted', 'ContentRelated'],
    ['554 5.7.1 Content blacklisted by filter', 'ContentRelated'],
    // Nearest: a listed sending IP, server or sender domain (SpamBlock), a listed link or
    // domain in the message (SpamContent), a message judged as spam.
    ['554 5.7.1 Your sending IP is blacklisted', 'SpamBlock'],
    ['550 Sender domain blocklisted', 'SpamBlock'],
    ['550 Your mail server is on our blocklist, see our terms of service', 'SpamBlock'],
    ['550 Read our terms: your IP is listed in our blocklist', 'SpamBlock'],
    ['550 5.7.1 This message includes a blocklisted URL', 'SpamContent'],
    ['554 Message contains a blacklisted domain', 'SpamContent'],
    ['550 A host name found in the message body is blacklisted', 'SpamContent'],
    ['550 5.7.1 Your sending IP 192.0.2.4 is blacklisted', 'SpamBlock'],
    ['550 5.7.1 Mail rejected as spam', 'SpamContent'],
  ],
  'banned words and content in other languages': [
    ['550 5.7.1 Ihre E-Mail enthält verbotene Wörter', 'ContentRelated'],
    ['554 Abgelehnt: unzulässiger Inhalt im Betreff', 'ContentRelated'],
    ['550 Nachricht enthält Begriffe aus der Sperrliste', 'ContentRelated'],
    ['550 5.7.1 Votre courriel contient des mots interdits', 'ContentRelated'],
    ['554 Refusé : contenu inapproprié', 'ContentRelated'],
    ['550 Des mots de la liste noire ont été trouvés', 'ContentRelated'],
    ['550 5.7.1 Su correo contiene palabras prohibidas', 'ContentRelated'],
    ['554 Rechazado por lenguaje ofensivo', 'ContentRelated'],
    ['550 5.7.1 La email contiene parole vietate', 'ContentRelated'],
    ['554 Contenuto non consentito nel messaggio', 'ContentRelated'],
    ['550 5.7.1 O e-mail contém palavras proibidas', 'ContentRelated'],
    ['554 Conteúdo não permitido', 'ContentRelated'],
    ['550 5.7.1 Uw e-mail bevat verboden woorden', 'ContentRelated'],
    ['554 Niet toegestane inhoud gevonden', 'ContentRelated'],
    ['550 Woorden op de zwarte lijst gevonden', 'ContentRelated'],
    ['550 5.7.1 Twój e-mail zawiera niedozwolone słowa', 'ContentRelated'],
    ['554 Treść zabroniona przez politykę serwera', 'ContentRelated'],
    ['550 Znaleziono słowa z czarnej listy', 'ContentRelated'],
    ['550 5.7.1 Письмо содержит запрещённые слова', 'ContentRelated'],
    ['550 本文にNGワードが含まれているため拒否しました', 'ContentRelated'],
    ['550 件名に禁止語句があります', 'ContentRelated'],
    ['550 邮件内容包含敏感词，已拒收', 'ContentRelated'],
    ['550 郵件含有違禁詞', 'ContentRelated'],
    ['550 메일에 금칙어가 포함되어 있습니다', 'ContentRelated'],
    // Nearest: a listed sending IP in those languages, an attachment type, a password
    // refused, a message judged as spam.
    ['554 Ihre IP-Adresse steht auf der Sperrliste', 'SpamBlock'],
    ['554 Votre serveur figure sur une liste noire', 'SpamBlock'],
    ['554 Su servidor está en la lista negra', 'SpamBlock'],
    ['550 発信元IPアドレスがブラックリストに登録されています', 'SpamBlock'],
    ['552 5.7.0 Attachment type .exe is not permitted', 'ProhibitedAttachment'],
    ['535 5.7.8 Authentification échouée : mot de passe non autorisé', 'AuthenticationFailed'],
    ['550 5.7.1 Die Nachricht wurde als Spam eingestuft', 'SpamContent'],
  ],
  'content scanners spam scores in other languages': [
    ['554 Spam-Score zu hoch (9,4)', 'SpamContent'],
    ['550 5.7.1 Spamwert 12.1 über dem Schwellenwert 5', 'SpamContent'],
    ['550 5.7.1 Score de spam trop élevé', 'SpamContent'],
    ['554 Le score spam du message dépasse le seuil autorisé', 'SpamContent'],
    ['550 5.7.1 La puntuación de spam excede el umbral', 'SpamContent'],
    ['550 Punteggio spam oltre la soglia consentita', 'SpamContent'],
    ['550 5.7.1 Pontuação de spam acima do limiar', 'SpamContent'],
    ['554 Spamscore overschrijdt de drempel', 'SpamContent'],
    ['550 5.7.1 Wynik spamu zbyt wysoki', 'SpamContent'],
    ['550 スパムスコアが高すぎるため受信を拒否しました', 'SpamContent'],
    ['550 垃圾邮件评分超过阈值，拒绝投递', 'SpamContent'],
    // Nearest: the sender's reputation score, a blocklist, a quota over its limit.
    ['550 5.7.1 Reputation score too low', 'SpamBlock'],
    ['550 5.7.1 Le serveur expéditeur a une mauvaise réputation', 'SpamBlock'],
    ['552 5.2.2 Postfach voll: Speicherplatz überschritten', 'QuotaIssues'],
  ],
  'routing refusals in other words than unable to route': [
    ['550 5.4.8 Cannot route', 'RoutingErrors'],
    ['554 The message could not be routed', 'RoutingErrors'],
    ['550 5.4.0 Routing failed for this destination', 'RoutingErrors'],
    ['451 4.4.0 Route not found, will retry', 'RoutingErrors'],
    ['550 Destination not routable', 'RoutingErrors'],
    [
      '554 5.4.4 SMTPSEND.DNS.MxLoopback; DNS records for this domain are configured in a loop',
      'RoutingErrors',
    ],
    ['550 Could not determine a route for this recipient', 'RoutingErrors'],
    ['554 No routing information for the destination', 'RoutingErrors'],
    ['451 4.4.0 Routing temporarily unavailable', 'RoutingErrors'],
    ['550 5.4.8 MX record of the domain points back to this host', 'RoutingErrors'],
    // Nearest: no route to the host (a connection), a domain that does not exist, a
    // relay refusal, a routing loop by its own code.
    ['451 4.4.1 No route to host', 'NoAnswerFromHost'],
    ['550 5.4.4 Unrouteable address', 'BadDomain'],
    ['550 5.4.4 Message could not be routed', 'BadDomain'],
    ['554 5.4.4 No route found for example.org', 'BadDomain'],
    ['451 4.4.1 connect to mx.example.org[192.0.2.1]:25: No route to host', 'NoAnswerFromHost'],
    ['550 5.1.2 MX points to a host that does not exist', 'BadDomain'],
    ['550 Relaying denied, cannot route', 'RelayDenied'],
    ['554 5.4.6 Too many hops', 'RoutingErrors'],
  ],
  'the person behind the address gone from the company': [
    ['550 That person no longer works here', 'InactiveMailbox'],
    ['550 Jane Doe is no longer with the company', 'InactiveMailbox'],
    ['550 5.1.1 The addressee has left the organization', 'InactiveMailbox'],
    ['550 This employee is no longer employed by Example Ltd', 'InactiveMailbox'],
    ['550 He is no longer working at Example', 'InactiveMailbox'],
    ['550 The recipient does not work here any more', 'InactiveMailbox'],
    ['550 Addressee no longer associated with the firm', 'InactiveMailbox'],
    ['550 Our colleague has retired', 'InactiveMailbox'],
    ['550 This person is no longer an employee', 'InactiveMailbox'],
    ['550 Diese Person ist nicht mehr im Unternehmen', 'InactiveMailbox'],
    ['550 Le destinataire ne fait plus partie de la société', 'InactiveMailbox'],
    ['550 El destinatario ya no trabaja en esta empresa', 'InactiveMailbox'],
    ['550 Il destinatario non lavora più presso di noi', 'InactiveMailbox'],
    ['550 O destinatário já não trabalha na empresa', 'InactiveMailbox'],
    ['550 Deze medewerker is niet meer werkzaam bij ons', 'InactiveMailbox'],
    // Nearest: a recipient no longer on the server, an unknown user, a sender no
    // longer on the server, a refusal of this sender.
    ['550 No longer on this server', 'InvalidRecipient'],
    ['550 That address is no longer here', 'InvalidRecipient'],
    ['550 5.1.1 User unknown', 'InvalidRecipient'],
    ['550 5.1.0 Sender address no longer on this server', 'InvalidSender'],
    ['550 5.7.1 Recipient address rejected: Access denied', 'PolicyRelated'],
    ['550 Sender is not an employee; external mail not allowed', 'PolicyRelated'],
  ],
  'an attachment or file type refused, in other languages': [
    ['550 5.7.1 Dateianhang vom Typ .js nicht zulässig', 'ProhibitedAttachment'],
    ['554 Gesperrter Dateityp im Anhang', 'ProhibitedAttachment'],
    ['550 Cette pièce jointe est interdite sur notre serveur', 'ProhibitedAttachment'],
    ['550 5.7.1 Extension de fichier non autorisée (.scr)', 'ProhibitedAttachment'],
    ['550 Tipo de archivo prohibido: .bat', 'ProhibitedAttachment'],
    ['550 5.7.1 Allegato vietato dalla policy aziendale', 'ProhibitedAttachment'],
    ['550 Tipo de arquivo não permitido', 'ProhibitedAttachment'],
    ['554 Verboden bijlage (.exe)', 'ProhibitedAttachment'],
    ['550 Załączniki typu .exe są zabronione', 'ProhibitedAttachment'],
    ['550 5.7.1 Запрещённый тип файла во вложении', 'ProhibitedAttachment'],
    ['550 この添付ファイルは受信が許可されていません', 'ProhibitedAttachment'],
    ['550 邮件附件不允许为可执行文件', 'ProhibitedAttachment'],
    ['550 해당 첨부파일은 차단되었습니다', 'ProhibitedAttachment'],
    // Nearest: a virus in the attachment, an attachment too big, spam, banned words.
    ['554 Virus im Dateianhang gefunden', 'VirusRelated'],
    ['552 Pièce jointe trop volumineuse', 'QuotaIssues'],
    ['550 Die Nachricht mit Anhang wurde als Spam eingestuft', 'SpamContent'],
    ['550 Le message contient des mots interdits', 'ContentRelated'],
  ],
};

describeFamilies(FAMILIES);
