// The "h66" blocks of rules/phrases.toml and rules/context.toml, and the quoted-reply
// reading of the classifier: expiry guards (a period that announces a retry is no expiry;
// an expiry in a language is one under any code), spam verdicts in French, German,
// Italian, Spanish, Portuguese and Dutch, Hebrew / Arabic / Thai expiry and size, HELO
// names that do not resolve, an unreachable domain by permanence, address syntax by
// side, and message-format refusals. Loaded as the bundled config loads the shipped
// rules. Every family is tested with wordings written here and with the nearest phrases
// of other labels that must NOT get its label.
import { compileClassifier } from '../../../src/classify/index';
import { shippedRules } from '../../helpers/shipped-rules';

const shipped = shippedRules();
const classifier = compileClassifier(shipped);

const FAMILIES: Record<string, Array<[string, string]>> = {
  'an expiry, and a deferral that names a period': [
    ['550 Mail could not be delivered within 5 days', 'MessageExpired'],
    ['554 5.4.7 Giving up on 192.0.2.1 after 3 days of trying', 'MessageExpired'],
    ['451 4.4.7 Message could not be delivered for 3 days, giving up', 'MessageExpired'],
    ['550 5.0.0 Consegna non riuscita dopo 3 giorni di tentativi', 'MessageExpired'],
    ['550 5.0.0 Die Nachricht konnte nach 5 Tagen nicht zugestellt werden', 'MessageExpired'],
    ['550 5.4.0 Mensagem não entregue após 4 dias', 'MessageExpired'],
    ['550 5.0.0 Message non distribué après 2 jours', 'MessageExpired'],
    // Nearest: the period belongs to the next attempt, not to the failure.
    ['451 4.3.0 Could not deliver now, will retry after 30 minutes', 'TransientFailure'],
    ['421 4.7.0 Unable to send now, retry within 2 hours', 'TransientFailure'],
    ['451 Message not delivered, deferred for 10 minutes', 'TransientFailure'],
    ['421 4.7.0 Try again after 1 hour', 'TransientFailure'],
    ['451 4.7.1 Bitte in 10 Minuten erneut versuchen', 'TransientFailure'],
    ['451 4.7.1 Veuillez réessayer dans 5 minutes', 'TransientFailure'],
    ['450 4.7.1 Riprovare tra 15 minuti', 'TransientFailure'],
    ['451 Message non remis, nouvel essai dans 2 heures', 'TransientFailure'],
    ['452 4.2.2 Mailbox full, retry within 24 hours', 'QuotaIssues'],
    ['451 4.4.1 Host did not answer for 30 minutes, will retry', 'NoAnswerFromHost'],
  ],
  'the message judged to be spam, in other languages': [
    ['550 5.7.1 Suspicion de spam, message refusé', 'SpamContent'],
    ["554 5.7.1 Message soupçonné d'être du spam", 'SpamContent'],
    ['550 5.7.1 Contenu suspect: pourriel détecté', 'SpamContent'],
    ['550 5.7.1 Refusé: courrier indésirable', 'SpamContent'],
    ['550 5.7.1 Verdacht auf Spam, Annahme verweigert', 'SpamContent'],
    ['550 5.7.1 Die Nachricht ist spamverdächtig', 'SpamContent'],
    ['550 5.7.1 Messaggio rifiutato perché ritenuto spam', 'SpamContent'],
    ['550 5.7.1 Sospetto spam: messaggio non accettato', 'SpamContent'],
    ['550 5.7.1 Mensaje sospechoso de ser spam', 'SpamContent'],
    ['550 5.7.1 Rechazado: correo no deseado', 'SpamContent'],
    ['550 5.7.1 Suspeita de spam, mensagem recusada', 'SpamContent'],
    ['550 5.7.1 Bericht geweigerd: vermoedelijk spam', 'SpamContent'],
    ['550 5.7.1 Het bericht is als ongewenst aangemerkt', 'SpamContent'],
    ['550 5.7.1 Nachricht wurde als unerwünscht eingestuft', 'SpamContent'],
    ['554 5.7.1 Ce message ressemble à du spam', 'SpamContent'],
    ['554 5.7.1 Diese Nachricht sieht nach Spam aus', 'SpamContent'],
    ['554 5.7.1 Questo messaggio sembra spam', 'SpamContent'],
    ['554 5.7.1 Dit bericht lijkt op spam', 'SpamContent'],
    ['554 5.7.1 Contenu du message rejeté : spam', 'SpamContent'],
    // Nearest: the sending IP or sender suspected, and a bare policy refusal.
    ["550 5.7.1 L'expéditeur est soupçonné d'être un spammeur", 'PolicyRelated'],
    // The sending IP suspected is a reputation refusal (SpamBlock, h71).
    ["550 5.7.1 Votre adresse IP est suspectée d'envoyer du spam", 'SpamBlock'],
    ['550 5.7.1 Message refusé pour des raisons de politique', 'PolicyRelated'],
    ['550 5.1.1 Rejeté : utilisateur inconnu', 'InvalidRecipient'],
    ['550 5.7.1 Ihre IP-Adresse steht unter Verdacht auf Spamversand', 'SpamBlock'],
  ],
  'Hebrew, Arabic and Thai expiry, size and full mailbox': [
    ['550 לא ניתן היה למסור את ההודעה תוך 3 ימים', 'MessageExpired'],
    ['550 פג תוקף ההודעה בתור', 'MessageExpired'],
    ['550 تعذر تسليم الرسالة خلال 5 أيام', 'MessageExpired'],
    ['550 انتهت صلاحية الرسالة', 'MessageExpired'],
    ['550 ไม่สามารถส่งข้อความได้ภายใน 2 วัน', 'MessageExpired'],
    ['550 การส่งข้อความหมดอายุ', 'MessageExpired'],
    ['552 5.3.4 ההודעה גדולה מדי', 'QuotaIssues'],
    ['552 حجم الرسالة أكبر من الحد الأقصى', 'QuotaIssues'],
    ['552 ขนาดของข้อความเกินขีดจำกัด', 'QuotaIssues'],
    ['550 صندوق البريد ممتلئ', 'QuotaIssues'],
    ['452 تجاوز المستخدم حصة التخزين', 'QuotaIssues'],
    ['550 البريد الوارد ممتلئ', 'QuotaIssues'],
    ['550 5.0.0 صندوق بريد المستلم ممتلئ', 'QuotaIssues'],
    ['550 تم تجاوز سعة صندوق البريد', 'QuotaIssues'],
    ['550 لا توجد مساحة كافية في صندوق البريد', 'QuotaIssues'],
    ['550 ההודעה לא נמסרה לאחר 5 ימים', 'MessageExpired'],
    ['550 لم يتم تسليم الرسالة بعد 3 أيام من المحاولات', 'MessageExpired'],
    ['550 ส่งไม่สำเร็จหลังจาก 3 วัน', 'MessageExpired'],
    ['550 หมดเวลาในการส่งข้อความ', 'MessageExpired'],
    ['550 الرسالة منتهية الصلاحية في قائمة الانتظار', 'MessageExpired'],
    ['550 ההודעה שהתה בתור זמן רב מדי', 'MessageExpired'],
    // Nearest: a sending limit (not storage), an unknown user, and a retry announced for
    // a period, which has no failure word.
    ['451 تم تجاوز حد الإرسال', 'TransientFailure'],
    ['550 المستخدم غير موجود', 'InvalidRecipient'],
    ['451 ננסה שוב תוך שעה', 'TransientFailure'],
    ['451 سنحاول مرة أخرى خلال 4 ساعات', 'TransientFailure'],
    ['451 จะลองส่งอีกครั้งภายใน 2 ชั่วโมง', 'TransientFailure'],
  ],
  'the HELO name not found or not valid': [
    ['550 HELO hostname not found in DNS', 'AuthenticationFailed'],
    ['550 5.7.1 Your HELO hostname could not be resolved', 'AuthenticationFailed'],
    ['554 HELO/EHLO hostname unknown', 'AuthenticationFailed'],
    ['550 The hostname in your EHLO is not a valid FQDN', 'AuthenticationFailed'],
    ['550 HELO host mail.example.org has no DNS A record', 'AuthenticationFailed'],
    [
      '504 5.5.2 <box>: Helo command rejected: need fully-qualified hostname',
      'AuthenticationFailed',
    ],
    ['550 HELO argument is not a valid hostname', 'AuthenticationFailed'],
    ['550 EHLO: hostname does not exist', 'AuthenticationFailed'],
    ['550 Your HELO name is a bare IP address', 'AuthenticationFailed'],
    ['550 HELO with an IP literal not allowed', 'AuthenticationFailed'],
    ['550 HELO/EHLO must contain a FQDN or address literal', 'AuthenticationFailed'],
    // Nearest: a recipient's host, the sender's domain, an unimplemented command.
    ['550 Host mail.example.org not found', 'BadDomain'],
    ['553 Sender domain not found', 'InvalidSender'],
    ['502 5.5.1 EHLO command not implemented', 'ProtocolErrors'],
  ],
  'an unreachable domain, permanent or for now': [
    ['550 Domain example.org not reachable', 'BadDomain'],
    ['554 Recipient domain is unreachable', 'BadDomain'],
    ['550 Unreachable destination domain', 'BadDomain'],
    ['550 Unable to reach domain example.org', 'BadDomain'],
    ['550 Destination domain cannot be reached', 'BadDomain'],
    ['451 The domain example.org could not be reached', 'RoutingErrors'],
    ['451 Domain example.org not reachable, retrying', 'RoutingErrors'],
    ['451 4.4.0 Domain unreachable', 'RoutingErrors'],
    ['450 Recipient domain temporarily unreachable', 'RoutingErrors'],
    // Nearest: our own domain, a host that does not answer, a domain that does not exist.
    ['550 Sender domain unreachable', 'InvalidSender'],
    ['451 4.4.1 Host mx.example.org not responding', 'NoAnswerFromHost'],
    ['550 5.1.2 Domain example.org does not exist', 'BadDomain'],
  ],
  'address syntax with the side named': [
    ['553 Malformed sender address', 'InvalidSender'],
    ['501 Sender address syntax error', 'InvalidSender'],
    ['501 Syntax error in MAIL FROM address', 'InvalidSender'],
    ['553 Syntax error in recipient address', 'InvalidRecipient'],
    ['501 Recipient address syntax invalid', 'InvalidRecipient'],
    ['553 Malformed RCPT TO address', 'InvalidRecipient'],
    // Nearest: the command's syntax, not an address.
    ['501 5.5.4 Syntax error in MAIL FROM parameters', 'ProtocolErrors'],
    ['500 5.5.2 Syntax error, command unrecognized', 'ProtocolErrors'],
    ['503 5.5.1 Bad sequence of commands', 'ProtocolErrors'],
  ],
  'the message format refused': [
    ['554 5.6.0 Invalid MIME boundary', 'ContentRelated'],
    ['550 Message rejected: missing MIME boundary', 'ContentRelated'],
    ['550 MIME structure is malformed', 'ContentRelated'],
    ['554 Unencoded 8-bit data in message header', 'ContentRelated'],
    ['550 5.6.0 Header contains non-ASCII characters', 'ContentRelated'],
    ['554 5.6.0 Bare LF received, see RFC 5321 2.3.8', 'ContentRelated'],
    ['550 Message contains bare linefeeds', 'ContentRelated'],
    ['554 Message contains a raw CR', 'ContentRelated'],
    ['550 Message contains NUL characters', 'ContentRelated'],
    ['550 Unable to parse MIME message', 'ContentRelated'],
    // (h89) A temporary reply that could not parse the message is the receiver's own trouble.
    [
      '451 4.3.0 Unable to parse message, temporary local problem, try again later',
      'TransientFailure',
    ],
    ['550 5.7.1 Message rejetée : contenu non conforme', 'ContentRelated'],
    // Nearest: size, attachment type, an address, the protocol.
    ['552 5.3.4 Message size exceeds fixed limit', 'QuotaIssues'],
    ['550 5.7.1 Attachment type not allowed', 'ProhibitedAttachment'],
    ['550 Invalid recipient address', 'InvalidRecipient'],
    ['550 5.7.1 Null sender not allowed', 'InvalidSender'],
    ["553 Format d'adresse non conforme", 'Uncategorized'],
    ['503 5.5.1 Bad sequence of commands', 'ProtocolErrors'],
  ],
};

describe('h66 phrase families', () => {
  for (const [family, cases] of Object.entries(FAMILIES)) {
    describe(family, () => {
      it.each(cases)('labels %j as %s', (line, label) => {
        expect(classifier.classifyLine(line).label).toBe(label);
      });
    });
  }
});

describe('a bare "bad address syntax" is decided by the command it answered', () => {
  it('is the sender at MAIL FROM', () => {
    const result = classifier.classifyLine('501 Bad address syntax', { command: 'MAIL FROM' });
    expect(result.label).toBe('InvalidSender');
    expect(result.context?.name).toBe('address syntax refused at MAIL FROM');
  });

  it('is the recipient at RCPT TO, also in Exim\'s "malformed address" form', () => {
    expect(classifier.classifyLine('501 Bad address syntax', { command: 'RCPT TO' }).label).toBe(
      'InvalidRecipient',
    );
    expect(
      classifier.classifyLine('501 <a@b>: malformed address: missing domain', {
        command: 'RCPT TO',
      }).label,
    ).toBe('InvalidRecipient');
  });

  it('stays a protocol error without a command, and when the command syntax is at fault', () => {
    expect(classifier.classifyLine('501 Bad address syntax').label).toBe('ProtocolErrors');
    expect(
      classifier.classifyLine('501 5.5.4 Syntax error in parameters or arguments', {
        command: 'RCPT TO',
      }).label,
    ).toBe('ProtocolErrors');
  });
});

describe('a reply quoted inside the line', () => {
  const DECIDES: Array<[string, string, string, string, string | null]> = [
    // [why, line, SMTP command or '', label, the quoted reply read]
    [
      'the line says nothing a rule knows beyond its codes',
      '554 5.0.0 Service unavailable; relay said: 550 5.1.1 <x@example.org>... no thanks',
      '',
      'InvalidRecipient',
      '550 5.1.1 <x@example.org>... no thanks',
    ],
    [
      'over the bare enhanced code of the wrapping reply',
      '550 5.7.1 Delivery not authorized: remote host said 552 5.2.2 Quota exceeded',
      '',
      'QuotaIssues',
      '552 5.2.2 Quota exceeded',
    ],
    [
      'with the context of the wrapping reply',
      '554 5.0.0 Upstream answered (550 5.1.1 no such box)',
      'MAIL FROM',
      'InvalidSender',
      '550 5.1.1 no such box)',
    ],
    [
      'over weak stock words, which give way to a specific code ("refused")',
      '554 Message refused; upstream reply was 552 5.2.2 no room',
      '',
      'QuotaIssues',
      '552 5.2.2 no room',
    ],
    [
      'over weak stock words, which give way to a specific code ("denied")',
      '550 Delivery denied (remote answer: 550 5.1.1 no thanks)',
      '',
      'InvalidRecipient',
      '550 5.1.1 no thanks)',
    ],
  ];

  it.each(DECIDES)('decides %s', (_why, line, command, label, inner) => {
    const result = classifier.classifyLine(line, command ? { command } : undefined);
    expect(result.label).toBe(label);
    expect(result.inner).toBe(inner);
  });

  it("leaves the wrapping reply's own specific words to decide", () => {
    const full = classifier.classifyLine('550 5.7.1 Mailbox full (remote: 550 5.7.1 go away)');
    expect(full.label).toBe('QuotaIssues');
    expect(full.inner).toBeNull();
    const expired = classifier.classifyLine(
      '554 5.4.7 Delivery expired; remote said 550 5.1.1 no thanks',
    );
    expect(expired.label).toBe('MessageExpired');
    expect(expired.inner).toBeNull();
  });

  it("leaves a specific enhanced code of the wrapping reply to decide (RFC 3463's X.1.7 sender)", () => {
    // A sender-verification probe's answer explains the refusal of the sender; it does
    // not turn it into a refusal of the recipient.
    const sender = classifier.classifyLine(
      '553 5.1.7 <list@example.net>: sender check failed; probe got "550 5.1.1 no such mailbox"',
    );
    expect(sender.label).toBe('InvalidSender');
    expect(sender.inner).toBeNull();
  });

  it('is not read when its permanence differs from the wrapping reply', () => {
    const result = classifier.classifyLine(
      '451 4.4.0 First host answered "550 5.7.1 go away"; the next host will be tried',
    );
    expect(result.inner).toBeNull();
    expect(result.label).toBe('TransientFailure');
  });

  it('leaves a line whose own words decide alone', () => {
    const result = classifier.classifyLine('550 5.1.1 User unknown (was 452 4.2.2 earlier)');
    expect(result.label).toBe('InvalidRecipient');
    expect(result.inner).toBeNull();
  });

  it('never reads codes inside a URL, a number or a word', () => {
    for (const line of [
      '550 See https://example.org/550-5.7.1 for help',
      '550 Order 1234 5.1.1 thing',
      '550 ref=550-5.1.1x',
    ]) {
      const result = classifier.classifyLine(line);
      expect(result.inner).toBeNull();
    }
  });

  it('reads at most the first 2048 characters after the codes, on a line of any length', () => {
    const far = `554 5.0.0 ${'x'.repeat(3000)} said: 550 5.1.1 user gone`;
    expect(classifier.classifyLine(far).inner).toBeNull();
    const near = `554 5.0.0 ${'x '.repeat(500)}said: 550 5.1.1 user gone`;
    expect(classifier.classifyLine(near).inner).toBe('550 5.1.1 user gone');
  });

  it('is not read by the rules alone (KumoMTA semantics, no context table)', () => {
    const rulesOnly = compileClassifier(
      shipped.filter((source) => !source.file.includes('context')),
    );
    const result = rulesOnly.classifyLine('554 5.0.0 relay said: 550 5.1.1 no such box');
    expect(result.inner).toBeNull();
  });
});
