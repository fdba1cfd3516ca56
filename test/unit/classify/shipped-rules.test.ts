// The rules files oobd ships, loaded as the bundled config loads them. Each phrase
// family is tested with wordings written here (other word orders, spellings and
// providers than the corpus has), and with the nearest phrases of other labels that
// must NOT get its label.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkRules, compileClassifier, type RulesSource } from '../../../src/classify/index';
import { SHIPPED_RULES_FILES } from '../../../src/config/server';

const ROOT = join(__dirname, '../../..');

function source(file: string): RulesSource {
  return { file, text: readFileSync(join(ROOT, file), 'utf8') };
}

const iana = source('rules/iana.toml');
const shipped = SHIPPED_RULES_FILES.map(source);

// Every enumerated code of the IANA registry (../shared/reference/enhanced-status-codes.tsv).
// prettier-ignore
const REGISTRY = [
  'X.0.0', 'X.1.0', 'X.1.1', 'X.1.2', 'X.1.3', 'X.1.4', 'X.1.5', 'X.1.6', 'X.1.7', 'X.1.8',
  'X.1.9', 'X.1.10', 'X.2.0', 'X.2.1', 'X.2.2', 'X.2.3', 'X.2.4', 'X.3.0', 'X.3.1', 'X.3.2',
  'X.3.3', 'X.3.4', 'X.3.5', 'X.3.6', 'X.4.0', 'X.4.1', 'X.4.2', 'X.4.3', 'X.4.4', 'X.4.5',
  'X.4.6', 'X.4.7', 'X.5.0', 'X.5.1', 'X.5.2', 'X.5.3', 'X.5.4', 'X.5.5', 'X.5.6', 'X.6.0',
  'X.6.1', 'X.6.2', 'X.6.3', 'X.6.4', 'X.6.5', 'X.6.6', 'X.6.7', 'X.6.8', 'X.6.9', 'X.6.10',
  'X.7.0', 'X.7.1', 'X.7.2', 'X.7.3', 'X.7.4', 'X.7.5', 'X.7.6', 'X.7.7', 'X.7.8', 'X.7.9',
  'X.7.10', 'X.7.11', 'X.7.12', 'X.7.13', 'X.7.14', 'X.7.15', 'X.7.16', 'X.7.17', 'X.7.18',
  'X.7.19', 'X.7.20', 'X.7.21', 'X.7.22', 'X.7.23', 'X.7.24', 'X.7.25', 'X.7.26', 'X.7.27',
  'X.7.28', 'X.7.29', 'X.7.30',
];

// KumoMTA's test_bounce_classify_iana cases, and ours for X.5.3.
const ACCEPTANCE: Array<[string, string]> = [
  ['552 5.2.2 mailbox is stuffed', 'QuotaIssues'],
  ['552 4.2.2 mailbox is stuffed', 'QuotaIssues'],
  ['352 5.2.2 mailbox is stuffed', 'Uncategorized'],
  ['525 4.7.13 user account is disabled', 'InactiveMailbox'],
  ['551 4.7.17 mailbox owner has changed', 'InvalidRecipient'],
  ['551 4.7.18 domain owner has changed', 'BadDomain'],
  ['452 4.5.3 Too many recipients', 'TooManyRecipients'],
];

// The short forms of the issue ("552 5.2.2 x").
const SHORT: Array<[string, string]> = [
  ['552 5.2.2 x', 'QuotaIssues'],
  ['552 4.2.2 x', 'QuotaIssues'],
  ['352 5.2.2 x', 'Uncategorized'],
  ['525 4.7.13 x', 'InactiveMailbox'],
  ['551 4.7.17 x', 'InvalidRecipient'],
  ['551 4.7.18 x', 'BadDomain'],
  ['452 4.5.3 x', 'TooManyRecipients'],
];

describe('rules/iana.toml alone', () => {
  const classifier = compileClassifier([iana]);

  it.each([...ACCEPTANCE, ...SHORT])('classifies %j as %s', (line, label) => {
    expect(classifier.classifyLine(line).label).toBe(label);
  });

  it('takes X.5.3 as TooManyRecipients from its own rule, ahead of the X.5.x rule', () => {
    expect(classifier.classifyLine('452 4.5.3 x').rule).toMatchObject({
      file: 'rules/iana.toml',
      label: 'TooManyRecipients',
    });
    expect(classifier.classifyLine('501 5.5.2 syntax error').label).toBe('ProtocolErrors');
  });

  it('does not take 5.1.10 or 5.1.351 for 5.1.1', () => {
    expect(classifier.classifyLine('550 5.1.10 x').label).toBe('BadDomain');
    expect(classifier.classifyLine('550 5.1.351 x').label).toBe('Uncategorized');
  });

  it('maps every enhanced code of the registry that says what happened', () => {
    // Codes that only name the subject (X.n.0 for addressing, mailbox, system, network,
    // protocol), or report success or a detail of delivery.
    const unmapped = new Set([
      'X.0.0',
      'X.1.0',
      'X.1.5',
      'X.1.9',
      'X.2.0',
      'X.3.0',
      'X.3.6',
      'X.4.0',
      'X.5.0',
    ]);
    const missing = REGISTRY.filter(
      (code) =>
        !unmapped.has(code) &&
        classifier.classifyLine(`550 ${code.replace('X', '5')} x`).label === 'Uncategorized',
    );
    expect(missing).toEqual([]);
    const mapped = [...unmapped].filter(
      (code) =>
        classifier.classifyLine(`550 ${code.replace('X', '5')} x`).label !== 'Uncategorized',
    );
    expect(mapped).toEqual([]);
  });

  it('takes X.4.4 (unable to route: no MX or A record) for a bad domain', () => {
    expect(classifier.classifyLine('550 5.4.4 x').label).toBe('BadDomain');
  });
});

describe('the shipped rules, in the order config/oobd.toml loads them', () => {
  const classifier = compileClassifier(shipped);
  const label = (line: string) => classifier.classifyLine(line).label;

  it('compile without errors or duplicate warnings', () => {
    const check = checkRules(shipped);
    expect(check.errors).toEqual([]);
    expect(check.warnings).toEqual([]);
    expect(check.contextRows).toBeGreaterThan(0);
  });

  it('load providers, phrases, the IANA mapping and the context table in that order', () => {
    expect(SHIPPED_RULES_FILES).toEqual([
      'rules/providers.toml',
      'rules/phrases.toml',
      'rules/iana.toml',
      'rules/context.toml',
    ]);
  });

  it.each([...ACCEPTANCE, ...SHORT])('still classify %j as %s', (line, expected) => {
    expect(label(line)).toBe(expected);
  });

  // Each family: replies in wordings of our own (not the corpus's), and the nearest
  // phrases of other labels, which must keep their own label.
  const FAMILIES: Record<string, Array<[string, string]>> = {
    'the address does not exist': [
      ['550 No user found', 'InvalidRecipient'],
      ['550 no user found here', 'InvalidRecipient'],
      ['550 User not exist', 'InvalidRecipient'],
      ['550 5.1.1 user not exists.', 'InvalidRecipient'],
      ['553 sorry, no such user here', 'InvalidRecipient'],
      ['550 5.1.1 <bob@example.org>: No Such Recipient', 'InvalidRecipient'],
      ['550 Mailbox does not exist in this domain', 'InvalidRecipient'],
      ['550 5.1.1 the mailbox you addressed does not exist', 'InvalidRecipient'],
      ['550 This e-mail address doesn\u2019t exist', 'InvalidRecipient'],
      [
        '550 5.1.1 <x@example.com>: Recipient address rejected: User unknown in virtual alias table',
        'InvalidRecipient',
      ],
      ['550 unknown or illegal alias: x@example.net', 'InvalidRecipient'],
      ['550 <x@example.net> is not a valid mailbox', 'InvalidRecipient'],
      ['550 Addressee unknown, relay=[192.0.2.9]', 'InvalidRecipient'],
      ['550 Unknown local part x in <x@example.org>', 'InvalidRecipient'],
      ['550 Requested action not taken: mailbox unavailable (S2017)', 'InvalidRecipient'],
      ['550 5.5.0 Requested action not taken: mailbox unavailable', 'InvalidRecipient'],
      ['550 Mailbox not found. http://help.example.cn/id=2', 'InvalidRecipient'],
      ['550 User not found: someone@example.cn', 'InvalidRecipient'],
      ['550 5.1.1 RESOLVER.ADR.RecipNotFound; not found', 'InvalidRecipient'],
      ['550 5.1.1 The email address you entered couldn\u2019t be found', 'InvalidRecipient'],
      ['553 5.1.1 Recipient not recognized', 'InvalidRecipient'],
      ['550 Invalid recipient: <nobody@example.com>', 'InvalidRecipient'],
      ['550 the recipient does not have an account here', 'InvalidRecipient'],
      ['550 5.1.1 Not our Customer', 'InvalidRecipient'],
      // Facebook's documented codes: the code decides, the recipient's preferences are
      // a policy of the recipient, the IP codes are about the sender.
      [
        '550 5.1.1 RCP-P1 http://postmaster.facebook.com/response_codes?ip=192.0.2.5#rcp The attempted recipient address does not exist',
        'InvalidRecipient',
      ],
      [
        "550 5.0.0 POL-P2 http://postmaster.facebook.com/response_codes?ip=192.0.2.5#pol Facebook will no longer accept mail from your mail server's IP Address",
        'SpamBlock',
      ],
      [
        "550 5.0.0 POL-P1 http://postmaster.facebook.com/response_codes?ip=192.0.2.5#pol Your mail server's IP Address is listed on the Spamhaus PBL",
        'SpamBlock',
      ],
      ['550 local server doesn\u2019t have that user', 'InvalidRecipient'],
      ['550 5.7.1 No such user!', 'InvalidRecipient'],
      ['550 account x@example.org does not exist', 'InvalidRecipient'],
      ['550 x@example.org is not a registered mail user', 'InvalidRecipient'],
      // Nearest phrases of other labels.
      ['552 5.2.2 Mailbox full', 'QuotaIssues'],
      ['550 5.1.0 Sender unknown', 'InvalidSender'],
      [
        '553 5.1.8 <x@example.org>... Domain of sender address x@example.org does not exist',
        'InvalidSender',
      ],
      ['550 5.1.2 Recipient address rejected: domain does not exist', 'BadDomain'],
      ['550 5.2.1 Mailbox disabled for this recipient', 'InactiveMailbox'],
      ['450 4.2.1 Mailbox unavailable, try again later', 'TransientFailure'],
    ],
    'the domain does not exist (a bad domain, not a DNS failure for now)': [
      ['550 5.4.4 Host not found', 'BadDomain'],
      ['554 5.4.4 SMTPSEND.DNS.NonExistentDomain; nonexistent domain', 'BadDomain'],
      [
        '550 5.4.310 DNS domain typo.example does not exist [Message=InfoDomainNonexistent]',
        'BadDomain',
      ],
      [
        '550 Host or domain name not found. Name service error for name=typo.example type=A: Host not found',
        'BadDomain',
      ],
      ['550 5.1.2 Bad destination system address', 'BadDomain'],
      ['550 No MX or A record for domain typo.example', 'BadDomain'],
      ['550 all relevant MX records point to non-existent hosts', 'BadDomain'],
      ['550 5.1.10 Recipient domain has a null MX', 'BadDomain'],
      ['554 DNS lookup of typo.example returned NXDOMAIN', 'BadDomain'],
      ['550 Unknown domain typo.example', 'BadDomain'],
      ['550 No such domain at this location', 'BadDomain'],
      ['556 5.1.10 typo.example does not accept mail', 'BadDomain'],
      ['550 Sorry, I couldn\u2019t find any host named typo.example. (#5.1.2)', 'BadDomain'],
      // For now: the reporter will retry, or gave up on a lookup that kept failing.
      ['451 4.4.3 DNS lookup returned SERVFAIL for typo.example', 'DNSFailure'],
      ['451 Temporary failure in name resolution', 'DNSFailure'],
      [
        '450 4.4.3 Host or domain name not found. Name service error for name=x.example type=MX: Host not found, try again',
        'DNSFailure',
      ],
      ['451 4.4.0 DNS lookup timed out for x.example', 'DNSFailure'],
      ['451 4.0.0 DNS lookup of x.example responded with code NXDOMAIN', 'DNSFailure'],
      ['450 4.1.2 <x@typo.example>: Recipient address rejected: Domain not found', 'BadDomain'],
      ['550 Sender address rejected: Domain not found', 'InvalidSender'],
    ],
    'the mailbox is abandoned or disabled (even when the code says quota)': [
      [
        '552 5.2.2 The recipient\u2019s inbox is out of storage space and inactive.',
        'InactiveMailbox',
      ],
      ['550 5.2.2 mailbox is full and has been inactive for a year', 'InactiveMailbox'],
      [
        '552 5.2.2 https://support.google.com/mail/?p=OverQuotaPerm a1-2 - gsmtp',
        'InactiveMailbox',
      ],
      ['550 5.2.1 The email account that you tried to reach is inactive.', 'InactiveMailbox'],
      ['554 This account has been disabled or discontinued', 'InactiveMailbox'],
      ['550 account disabled', 'InactiveMailbox'],
      ['550 User suspended', 'InactiveMailbox'],
      ['550 mailbox has been deactivated by the administrator', 'InactiveMailbox'],
      [
        '550 5.2.1 this mailbox has not been accessed for 12 months and is closed',
        'InactiveMailbox',
      ],
      ['550 The account has not been popped for 6 months', 'InactiveMailbox'],
      ['550 expired account', 'InactiveMailbox'],
      ['550 recipient account is locked', 'InactiveMailbox'],
      ['550 This address is no longer in use', 'InactiveMailbox'],
      ['551 User not local; please try <x@example.net>', 'InactiveMailbox'],
      // Nearest phrases of other labels.
      ['452 4.2.2 The email account that you tried to reach is over quota', 'QuotaIssues'],
      ['554 Your IP address 192.0.2.1 has been blocked', 'SpamBlock'],
      ['550 Your account has exceeded its sending limit', 'TransientFailure'],
    ],
    'the mailbox is full or the message too big': [
      ['552 Mailbox quota exceeded for this user', 'QuotaIssues'],
      ['452 Insufficient system storage', 'QuotaIssues'],
      ['552 5.2.2 Quota exceeded (mailbox for user is full)', 'QuotaIssues'],
      ['550 user is over quota', 'QuotaIssues'],
      ['552 The recipient\u2019s mailbox is over the allowed quota', 'QuotaIssues'],
      ['452 account is over its storage quota', 'QuotaIssues'],
      ['552 the user\u2019s inbox has filled up', 'QuotaIssues'],
      ['552 Mail quota exceeded', 'QuotaIssues'],
      ['552 5.3.4 Message is too big for this system', 'QuotaIssues'],
      ['552 Message size exceeds the maximum allowed size', 'QuotaIssues'],
      ['452 4.3.1 Not enough disk space', 'QuotaIssues'],
      ['550 5.4.5 Daily user sending quota exceeded.', 'TransientFailure'],
      ['550 5.2.2 STOREDRV.Submit; submission quota exceeded', 'TransientFailure'],
      ['550 5.1.1 mailbox not found', 'InvalidRecipient'],
    ],
    'the sender is refused as an address': [
      ['553 5.1.7 The sender address is not valid', 'InvalidSender'],
      ['550 Sender verify failed', 'InvalidSender'],
      ['550 Verification failed for <x@example.com>: sender verification failed', 'InvalidSender'],
      ['553 sorry, your envelope sender is in my badmailfrom list (#5.7.1)', 'InvalidSender'],
      ['550 sender domain must resolve', 'InvalidSender'],
      ['553 Requested action not taken: NULL sender is not allowed', 'InvalidSender'],
      ['550 5.1.1 User unknown', 'InvalidRecipient'],
    ],
    'relaying is refused': [
      ['554 5.7.1 <x@example.org>: Relay access denied', 'RelayDenied'],
      ['550 we do not relay for example.org', 'RelayDenied'],
      ['550 relaying not permitted', 'RelayDenied'],
      ['550 Unauthorized relay attempt', 'RelayDenied'],
      ['550 5.7.1 Unable to relay for x@example.org', 'RelayDenied'],
      ['554 Your server is an open relay, see spamhaus', 'SpamBlock'],
    ],
    'authentication: SPF, DKIM, DMARC, reverse DNS, TLS, SMTP AUTH': [
      ['550 5.7.26 This message does not pass DMARC', 'AuthenticationFailed'],
      [
        '550 5.7.23 The message was rejected because of Sender Policy Framework violation',
        'AuthenticationFailed',
      ],
      ['550 5.7.1 SPF check failed for example.org', 'AuthenticationFailed'],
      ['550 DKIM signature did not verify', 'AuthenticationFailed'],
      [
        '550 5.7.25 The IP address sending this message does not have a PTR record',
        'AuthenticationFailed',
      ],
      [
        '450 4.7.1 Client host rejected: cannot find your reverse hostname, [192.0.2.7]',
        'AuthenticationFailed',
      ],
      ['530 5.7.0 Authentication required', 'AuthenticationFailed'],
      ['530 Must issue a STARTTLS command first', 'AuthenticationFailed'],
      ['550 5.7.57 Client not authenticated to send mail', 'AuthenticationFailed'],
      ['550 TLS is required for this domain', 'AuthenticationFailed'],
    ],
    'spam: this message (content)': [
      ['554 5.7.1 Message rejected as spam by content filtering', 'SpamContent'],
      ['550 Message looks like spam', 'SpamContent'],
      ['550 blocked because of spam content', 'SpamContent'],
      ['554 Your message was classified as spam', 'SpamContent'],
      ['550 High probability of spam', 'SpamContent'],
      ['554 This message contains a URL that is blacklisted (SURBL)', 'SpamContent'],
      ['554 DT:SPM 163 mx7, Gs8vCgDX', 'SpamContent'],
      ['550 blocked because of your IP reputation', 'SpamBlock'],
    ],
    'spam: the sender IP or domain (blocklists, reputation)': [
      [
        '554 5.7.1 Service unavailable; Client host [192.0.2.3] blocked using bl.spamcop.net',
        'SpamBlock',
      ],
      ['550 Your IP 192.0.2.3 is listed at dnsbl.example.org', 'SpamBlock'],
      ['550 5.7.1 Mail from IP 192.0.2.3 refused: blacklisted', 'SpamBlock'],
      ['421 4.7.0 [TSS04] Messages from 192.0.2.3 temporarily deferred', 'SpamBlock'],
      ['550 5.7.606 Access denied, banned sending IP [192.0.2.3]', 'SpamBlock'],
      ['554 5.7.1 rejected due to poor sender reputation', 'SpamBlock'],
      ['550 Dynamic IP addresses are not accepted', 'SpamBlock'],
      ['421 4.7.0 OFR_999 [999]', 'SpamBlock'],
      ['554 AUP#CXBL IP blocked', 'SpamBlock'],
      ['550 5.7.1 blocked: mailbox full', 'QuotaIssues'],
    ],
    'viruses and attachments': [
      ['554 5.7.0 Reject, id=12345-01 - INFECTED: Eicar-Test-Signature', 'VirusRelated'],
      ['550 This message contains malware', 'VirusRelated'],
      ['552 Virus found in attachment', 'VirusRelated'],
      ['552 Attachment type not allowed (.scr)', 'ProhibitedAttachment'],
      ['554 Rejected: the IP is infected with a spam-sending trojan', 'SpamBlock'],
      ['451 4.3.0 antivirus scanner unavailable', 'TransientFailure'],
    ],
    'expired in the queue': [
      ['550 delivery retry timeout exceeded', 'MessageExpired'],
      ['550 message expired after 5 days in queue', 'MessageExpired'],
      ['550 could not be delivered within 3 days', 'MessageExpired'],
      ['554 4.4.7 QUEUE.Expired; message expired', 'MessageExpired'],
      ['550 message has been in the queue too long', 'MessageExpired'],
      ['550 mailbox full: retry timeout exceeded', 'QuotaIssues'],
    ],
    'rate limits, greylisting, busy servers': [
      ['451 4.7.1 Greylisting in action, please come back later', 'TransientFailure'],
      ['421 4.7.0 Too many concurrent connections from this IP', 'TransientFailure'],
      ['450 4.2.1 The user is receiving mail too quickly', 'TransientFailure'],
      ['421 Server busy, try again later', 'TransientFailure'],
      ['451 4.7.0 Rate limited, slow down', 'TransientFailure'],
      ['421 4.7.0 AUP#In-1330 inbound rate limit', 'TransientFailure'],
      ['452 Too many recipients', 'TooManyRecipients'],
    ],
    'connections and routing': [
      ['451 4.4.1 connect to mx.example.net[192.0.2.4]:25: Connection refused', 'NoAnswerFromHost'],
      ['451 connect to mx.example.net: No route to host', 'NoAnswerFromHost'],
      ['451 4.4.2 lost connection with mx.example.net while sending RCPT TO', 'BadConnection'],
      ['421 4.4.2 conversation with mx.example.net timed out while sending DATA', 'BadConnection'],
      ['554 5.4.6 Mail loop detected', 'RoutingErrors'],
      ['554 Too many hops (31 max)', 'RoutingErrors'],
    ],
    'format, protocol and the receiver itself': [
      ['552 5.6.0 Header line too long', 'ContentRelated'],
      ['550 Message is not RFC 5322 compliant', 'ContentRelated'],
      ['500 5.5.1 Command unrecognized', 'ProtocolErrors'],
      ['503 Bad sequence of commands', 'ProtocolErrors'],
      ['554 5.3.5 Local configuration error', 'BadConfiguration'],
      ['550 5.7.1 Message rejected by policy', 'PolicyRelated'],
      ['550 You do not have permission to send to this recipient', 'PolicyRelated'],
      ['550 You are not a member of the mailing list sales@example.org', 'PolicyRelated'],
      ['553 Post by non-member to a members-only list', 'PolicyRelated'],
      ['550 not a subscriber of this list', 'PolicyRelated'],
      // Nearest phrase of another label: an address that is no member is unknown.
      ['550 Recipient is not a registered member', 'InvalidRecipient'],
    ],
  };

  describe.each(Object.entries(FAMILIES))('%s', (_family, cases) => {
    it.each(cases)('%j → %s', (line, expected) => {
      expect(label(line)).toBe(expected);
    });
  });

  it('lets generic enhanced codes (X.0.0, X.5.0) decide nothing when the text says something', () => {
    // Hotmail, Sendmail and Orange send 5.5.0 with anything.
    expect(label('554 5.5.0 Recipient unknown')).toBe('InvalidRecipient');
    expect(label('554 5.5.0 Mailbox full')).toBe('QuotaIssues');
    expect(label('550 5.0.0 Host unknown')).toBe('BadDomain');
    // Alone they say nothing either; X.7.1 stays a policy refusal of last resort.
    expect(label('554 5.5.0 something odd happened')).toBe('Uncategorized');
    expect(label('550 5.0.0 something odd happened')).toBe('Uncategorized');
    expect(label('550 5.7.1 something odd happened')).toBe('PolicyRelated');
    expect(label('550 5.7.1 User unknown')).toBe('InvalidRecipient');
  });

  it('lets the bare reply code decide only when nothing else did', () => {
    expect(label('500 what was that')).toBe('ProtocolErrors');
    expect(label('503 5.5.0 out of order')).toBe('ProtocolErrors');
    expect(label('421 closing connection')).toBe('TransientFailure');
    expect(label('552 something odd')).toBe('QuotaIssues');
    expect(label('550 something odd')).toBe('Uncategorized');
    expect(label('554 something odd')).toBe('Uncategorized');
    expect(label('500 5.1.1 user unknown')).toBe('InvalidRecipient');
  });

  it('lets a vague word give way to a specific enhanced code', () => {
    // "rejected" alone says less than X.1.1 does.
    expect(label('550 5.1.1 Address rejected a@b')).toBe('InvalidRecipient');
    expect(classifier.classifyLine('550 5.1.1 Address rejected a@b').rule?.file).toBe(
      'rules/iana.toml',
    );
    expect(label('550 5.7.1 mailbox unavailable')).toBe('PolicyRelated');
  });

  it('keeps its RE2 patterns valid TOML literal strings without apostrophes', () => {
    for (const rule of classifier.rules) expect(rule.pattern).not.toContain("'");
  });
});

// The field cases of ../shared/corpus/field (the label part), and other wordings of
// the same kinds.
describe('the field cases, and their kinds in other wordings', () => {
  const classifier = compileClassifier(shipped);

  it.each<[string, string, Parameters<typeof classifier.classifyLine>[1]]>([
    // 01: Yahoo's disabled mailbox and Office 365's directory-based edge blocking.
    [
      '554 delivery error: dd Sorry, your message to user1@example.net cannot be delivered. This mailbox is disabled (554.30). - mta4490.mail.example.net',
      'InactiveMailbox',
      { action: 'failed', diagnosticType: 'smtp' },
    ],
    [
      '550 5.4.1 [user2@example.org]: Recipient address rejected: Access denied [AB1CD23EF456.eop-APC01.prod.protection.outlook.com]',
      'InvalidRecipient',
      { action: 'failed', diagnosticType: 'smtp' },
    ],
    ['550 5.4.1 Recipient address rejected: Access denied. AS(201806281)', 'InvalidRecipient', {}],
    // 07: a domain that does not exist.
    ['550 5.4.4 Host not found', 'BadDomain', { action: 'failed', diagnosticType: 'dns' }],
    ['550 5.4.4 unrouteable address', 'BadDomain', { action: 'failed' }],
    // 15: Gmail's OverQuotaPerm.
    [
      '552 5.2.2 The recipient\u2019s inbox is out of storage space and inactive. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaPerm 1a2b - gsmtp',
      'InactiveMailbox',
      { action: 'failed', command: '.' },
    ],
    // 16: "No user found" without an X.1.1 code.
    ['550 No user found', 'InvalidRecipient', {}],
    ['550 5.0.0 no such user here', 'InvalidRecipient', { command: 'RCPT TO' }],
  ])('%j → %s', (line, expected, context) => {
    expect(classifier.classifyLine(line, context).label).toBe(expected);
  });
});

// Kinds from public bug reports about bounce handling (rules/phrases.toml names the
// sources): wordings of our own, and the nearest phrases of other labels.
describe('kinds from public bounce bug reports, in other wordings', () => {
  const classifier = compileClassifier(shipped);
  const FAMILIES: Record<string, Array<[string, string]>> = {
    'qmail and its forks: no mailbox (or account) here by that name': [
      ['550 No Account bob@example.org here by that name. (#5.1.5)', 'InvalidRecipient'],
      ['550 sorry, no mailbox here by that name (#5.1.1 - chkuser)', 'InvalidRecipient'],
      ['511 Sorry, no such account here by that name', 'InvalidRecipient'],
      ['553 5.1.7 sorry, no sender mailbox here by that name', 'InvalidSender'],
    ],
    'Postfix address verification: undeliverable (a verdict) and in progress (retry)': [
      [
        '550 5.1.1 <bob@example.org>: Recipient address rejected: undeliverable address: unknown user: "bob"',
        'InvalidRecipient',
      ],
      ['550 Recipient address rejected: undeliverable address', 'InvalidRecipient'],
      [
        '450 4.1.1 <bob@example.org>: Recipient address rejected: unverified address: Address verification in progress',
        'TransientFailure',
      ],
      [
        '450 Recipient address rejected: unverified address: address verification pending',
        'TransientFailure',
      ],
      // A probe that came back without a verdict: the X.1.1 code is Postfix's default.
      [
        '450 4.1.1 <ann@example.net>: Recipient address rejected: unverified address: Address lookup failure',
        'TransientFailure',
      ],
      [
        '450 4.1.1 <ann@example.net>: Recipient address rejected: unverified address: host mx.example.net[192.0.2.4] said: 450 4.2.0 please come back later',
        'TransientFailure',
      ],
      [
        '450 4.1.1 <ann@example.net>: Recipient address rejected: undeliverable address: host mx.example.net[192.0.2.4] said: 550 5.1.1 no mailbox by that name',
        'InvalidRecipient',
      ],
      [
        '550 5.1.7 <news@example.com>: Sender address rejected: undeliverable address: host mx.example.com[192.0.2.6] said: 550 5.1.1 <news@example.com>: Recipient address rejected: User unknown',
        'InvalidSender',
      ],
      [
        '553 5.1.8 <bob@example.org>: Sender address rejected: undeliverable address: Domain not found',
        'InvalidSender',
      ],
    ],
    'unknown user and full mailbox in the languages of translated replies': [
      ['550 Utilisateur inconnu', 'InvalidRecipient'],
      ['550 5.1.1 Destinataire inconnu', 'InvalidRecipient'],
      ["550 L'adresse e-mail n'existe pas", 'InvalidRecipient'],
      ['550 Benutzer unbekannt', 'InvalidRecipient'],
      ['550 Unbekannter Empfänger', 'InvalidRecipient'],
      ['550 Empfaenger unbekannt', 'InvalidRecipient'],
      ['550 Usuario desconocido', 'InvalidRecipient'],
      ['550 Destinatario inexistente', 'InvalidRecipient'],
      ['550 Usuário desconhecido', 'InvalidRecipient'],
      ['550 Utente sconosciuto', 'InvalidRecipient'],
      ['550 Indirizzo inesistente', 'InvalidRecipient'],
      ['550 Onbekende gebruiker', 'InvalidRecipient'],
      ['552 Postfach voll', 'QuotaIssues'],
      ['552 Boîte aux lettres pleine', 'QuotaIssues'],
      ['552 La boite de réception est pleine', 'QuotaIssues'],
      ['452 Casella di posta piena', 'QuotaIssues'],
      ['552 Buzón lleno', 'QuotaIssues'],
      ['552 Caixa postal cheia', 'QuotaIssues'],
      ['552 Speicherplatz des Postfachs überschritten', 'QuotaIssues'],
      ['550 Absender unbekannt: Sender address rejected', 'InvalidSender'],
    ],
    'the address named between the noun and the verdict': [
      ['550 The address bob@example.org is not valid', 'InvalidRecipient'],
      ['550 Address <bob@example.org> not registered', 'InvalidRecipient'],
      ['550 No mailbox bob@example.org here', 'InvalidRecipient'],
      ['550 recipient bob@example.org not found', 'InvalidRecipient'],
      ['550 Sender address bob@example.org is not valid', 'InvalidSender'],
      ['552 mailbox for bob@example.org is full', 'QuotaIssues'],
    ],
    'SPF, DKIM and DMARC verdicts in other word orders, and SMTP AUTH required': [
      [
        "421 4.7.27 Your email has been rate limited because SPF authentication didn't pass for this message.",
        'AuthenticationFailed',
      ],
      [
        '421 4.7.26 This message is not authenticated with DKIM and has been rate limited',
        'AuthenticationFailed',
      ],
      ['550 5.7.1 Rejected: message failed DMARC alignment', 'AuthenticationFailed'],
      // DMARC named by its RFC 7489 term, the Domain Owner's published policy.
      [
        '550 5.7.1 Not delivered: the domain owner policy for example.org asks to reject unaligned mail',
        'AuthenticationFailed',
      ],
      [
        "554 rejected because of the author domain owner's published policy",
        'AuthenticationFailed',
      ],
      // The owner of a domain or mailbox refusing, no authentication policy: not DMARC.
      ['550 5.7.1 The domain owner has blocked mail from your address', 'PolicyRelated'],
      ['550 5.7.1 Rejected by the mailbox owner policy', 'PolicyRelated'],
      ['550 5.7.1 Message failed SPF verification', 'AuthenticationFailed'],
      ['550 Email rejected: it does not pass SPF checks for example.com', 'AuthenticationFailed'],
      ['550 5.7.1 DKIM signature did not validate', 'AuthenticationFailed'],
      [
        '550 5.7.1 Sender IP 192.0.2.7 is not allowed by SPF record of example.com',
        'AuthenticationFailed',
      ],
      [
        '550 5.7.1 SPF: 192.0.2.7 is not authorized to send mail for example.com',
        'AuthenticationFailed',
      ],
      ['550 SMTP AUTH is required for message submission on port 587', 'AuthenticationFailed'],
      ['530 5.7.0 SMTP authentication is mandatory here', 'AuthenticationFailed'],
      // Locked out for failed logins: the cause is the credentials (rules/phrases.toml
      // AuthenticationFailed, "too many AUTH failures"), not the rate.
      [
        '421 4.7.0 Too many SMTP AUTH failures from your IP, try again later',
        'AuthenticationFailed',
      ],
      ['451 4.7.1 Rate limited: too many messages, try again later', 'TransientFailure'],
    ],
    'URI blocklists and content scanners judge the message': [
      ['554 5.7.1 This message contains a blocked URL', 'SpamContent'],
      ['550 Message rejected: a link in the body is listed on a URI blocklist', 'SpamContent'],
      ['550 5.7.1 Rejected by Rspamd: spam', 'SpamContent'],
      ['554 5.7.1 Message blocked by SpamAssassin (score 14.1)', 'SpamContent'],
      ['554 5.7.1 Client host [192.0.2.7] blocked using zen.spamhaus.org', 'SpamBlock'],
      ['550 Your domain is listed on dbl.example.org', 'SpamBlock'],
    ],
    'Microsoft format NDRs and broken MIME': [
      [
        '550 5.6.11 SMTPSEND.BareLinefeedsAreIllegal; message contains bare linefeeds',
        'ContentRelated',
      ],
      [
        '554 5.6.211 Invalid MIME Content: Single text value size exceeded allowed maximum for the Subject header',
        'ContentRelated',
      ],
      ['554 5.6.0 Malformed MIME structure', 'ContentRelated'],
      ['500 5.5.2 bare <LF> received', 'ProtocolErrors'],
    ],
    'recipients per transaction (Gmail 4.5.3)': [
      [
        '452 4.5.3 Domain policy size per transaction exceeded, please try this recipient in a separate transaction.',
        'TooManyRecipients',
      ],
      ['452 Recipient count per transaction exceeded', 'TooManyRecipients'],
      ['550 5.7.1 Message rejected by domain policy', 'PolicyRelated'],
    ],
    'checks that could not finish: Exim callouts, Postfix table lookups': [
      ['451 Could not complete sender verify callout', 'TransientFailure'],
      ['451 4.3.0 Could not complete recipient verify callout', 'TransientFailure'],
      ['550 Sender verify failed', 'InvalidSender'],
      ['550 5.7.1 sender verification rejected the address', 'InvalidSender'],
      ['451 4.3.0 <bob@example.org>: Temporary lookup failure', 'TransientFailure'],
      ['451 4.4.3 Temporary DNS failure looking up example.org', 'DNSFailure'],
      ['451 temporary MX lookup failure for example.org', 'DNSFailure'],
    ],
    'Haraka and other MTAs that tried all MXs': [
      ['451 Too many failures (Tried all MXs)', 'NoAnswerFromHost'],
      ['451 all MX hosts unreachable for example.org', 'NoAnswerFromHost'],
    ],
    'domains without a mail route: RFC 7504 521/556, null MX, no MX, X.4.4': [
      ['550 all relevant MX records point to non-existent hosts', 'BadDomain'],
      ['556 5.1.10 example.org does not accept mail (null MX)', 'BadDomain'],
      ['521 5.3.2 mx.example.org does not accept mail', 'BadDomain'],
      ['521 Server does not accept mail', 'BadDomain'],
      ['550 5.7.27 Sender address has null MX', 'InvalidSender'],
      ['553 5.1.8 The sender domain has a null MX record', 'InvalidSender'],
      ['550 Recipient domain example.invalid does not have any MX records', 'BadDomain'],
      ['550 No MX for example.invalid', 'BadDomain'],
      ['550 5.4.4 no mail hosts for domain example.invalid', 'BadDomain'],
      ['550 unable to resolve MX for example.invalid', 'BadDomain'],
      ['451 unable to resolve MX for example.org, try again', 'DNSFailure'],
      ['554 5.4.4 Unable to route', 'BadDomain'],
      ['554 5.4.6 Unable to route: mail loop', 'RoutingErrors'],
      ['550 unable to route message: routing loop detected', 'RoutingErrors'],
    ],
    'Gmail bulk-sender requirements (alignment, TLS, unauthenticated) and Exchange store quota': [
      [
        '421 4.7.32 Rate limited: the From header of this message is not aligned with the authenticated SPF or DKIM domain',
        'AuthenticationFailed',
      ],
      [
        '550 5.7.32 Blocked: From: domain isn\u2019t aligned with DKIM d= domain',
        'AuthenticationFailed',
      ],
      [
        '421 4.7.29 Rate limited: this mail was not sent over a TLS connection',
        'AuthenticationFailed',
      ],
      [
        '550 5.7.29 Blocked because the message wasn\u2019t sent via an encrypted connection',
        'AuthenticationFailed',
      ],
      [
        '421 4.7.26 Your mail is rate limited because this message is unauthenticated',
        'AuthenticationFailed',
      ],
      ['421 4.7.0 Message lacks authentication information', 'AuthenticationFailed'],
      [
        '550 5.7.1 Message fails to pass authentication checks (SPF or DKIM)',
        'AuthenticationFailed',
      ],
      ['550 5.7.1 Messages missing a valid Message-ID header are not accepted', 'ContentRelated'],
      ['554 No Resent-From field given', 'ContentRelated'],
      ['554 Message rejected: no Date header', 'ContentRelated'],
      ['550 5.7.1 Message without a From: header refused', 'ContentRelated'],
      ['550 5.7.1 Message has duplicate Subject headers', 'ContentRelated'],
      [
        '550 5.2.0 STOREDRV.Deliver.Exception:QuotaExceededException; mailbox store refused',
        'QuotaIssues',
      ],
      // Nearest phrases of other labels.
      [
        '421 4.7.0 Rate limited: too many messages from your IP, try again later',
        'TransientFailure',
      ],
      ['550 5.7.1 Message rejected: the recipient is not aligned with our policy', 'PolicyRelated'],
      ['550 5.2.1 STOREDRV.Deliver: mailbox disabled', 'InactiveMailbox'],
      ['454 4.7.0 TLS not available due to local problem', 'AuthenticationFailed'],
    ],
    'check names inside addresses and host names are no verdict (DMARC report mailboxes, ISP reverse names)':
      [
        [
          '550 5.1.1 <dmarc@example.org>: Recipient address rejected: User unknown',
          'InvalidRecipient',
        ],
        ['550 No such user - rua@dmarc.example.org', 'InvalidRecipient'],
        [
          '550 5.1.1 <spf@example.org>: Recipient address rejected: User unknown',
          'InvalidRecipient',
        ],
        ['552 5.2.2 <dkim-reports@example.org>: mailbox full', 'QuotaIssues'],
        [
          '554 5.7.1 Service unavailable; Client host [ptr-192-0-2-7.example.net] blocked using zen.spamhaus.org',
          'SpamBlock',
        ],
        ['550 5.2.2 <postmaster@rdns.example.net>: mailbox full', 'QuotaIssues'],
        ['550 5.1.1 sender@example.org: mailbox not found', 'InvalidRecipient'],
        // The same names as words of the reply keep their label.
        ['550 Sender: bob@example.com not found', 'InvalidSender'],
        ['553 5.1.0 Envelope sender domain does not resolve', 'InvalidSender'],
        ['550 5.7.1 Rejected by DMARC policy', 'AuthenticationFailed'],
        ['550 5.7.1 message failed DMARC.', 'AuthenticationFailed'],
        ['550 5.7.1 DMARC: reject', 'AuthenticationFailed'],
        ['550 5.7.25 no PTR record for 192.0.2.7', 'AuthenticationFailed'],
        ['450 4.7.1 Client host rejected: no rDNS for 192.0.2.7', 'AuthenticationFailed'],
        [
          '550 5.7.1 SPF fail (example.org: 192.0.2.7 is not a permitted sender)',
          'AuthenticationFailed',
        ],
      ],
    'a DNS lookup that failed for now, and the IronPort directory reject as parsed': [
      ['451 4.4.0 DNS query failed for example.org', 'DNSFailure'],
      ['450 DNS resolution failed for mx.example.org', 'DNSFailure'],
      ['451 4.4.0 Unable to lookup DNS for example.org', 'DNSFailure'],
      ['550 5.1.0 Address rejected bob@example.org', 'InvalidRecipient'],
      ['550 5.1.0 Address rejected.', 'InvalidRecipient'],
      // Nearest phrases of other labels.
      ['550 5.4.4 DNS query failed: nonexistent domain', 'BadDomain'],
      [
        '550 DNS Error: DNS type mx lookup of typo.example responded with code NXDOMAIN',
        'BadDomain',
      ],
      ['550 5.1.0 Address rejected: sender unknown', 'InvalidSender'],
    ],
    // field-kinds-6: a refusal "for spam" that does not say what was judged.
    'refused for spam, the object unsaid, against spam wordings that name it': [
      ['554 Message refused due to spam', 'SpamRelated'],
      ['550 5.7.1 Rejected for spam', 'SpamRelated'],
      ['550 Delivery declined because of suspected spam', 'SpamRelated'],
      ['554 Rejected: spam', 'SpamRelated'],
      ['553 Dropped for possible spam', 'SpamRelated'],
      // Nearest phrases of other labels: the message judged, the sending IP blocked, a
      // blocklist or a trap named, a refusal with no spam in it.
      ['553 sorry, your message was denied because it looked like spam', 'SpamContent'],
      ['550 5.7.1 Mail rejected as spam', 'SpamContent'],
      ['550 Your IP has been blocked for spam', 'SpamBlock'],
      ['550 Rejected for Spamhaus listing of 192.0.2.7', 'SpamBlock'],
      ['554 Denied for policy reasons', 'PolicyRelated'],
      ['550 Rejected: user unknown', 'InvalidRecipient'],
    ],
    // field-kinds-6: vpopmail's "overdrawn his diskspace quota" with "try again later".
    'a quota said as disk space or overdrawn, against a sender or sending quota': [
      [
        '550 Sorry, the mailbox has overdrawn its diskspace quota, please try again later.',
        'QuotaIssues',
      ],
      ['452 disk space quota of carol@example.net used up', 'QuotaIssues'],
      ['552 user has overdrawn the storage quota', 'QuotaIssues'],
      // Nearest phrases of other labels: our own sending allowance, a temporary failure.
      [
        '451 4.7.1 Sending quota exceeded for this hour, please try again later',
        'TransientFailure',
      ],
      ['451 Temporary local problem, please try again later', 'TransientFailure'],
    ],
    // field-kinds-6: the host the MX led to does not take inbound mail.
    "a host that says it is not the domain's inbound server, against relay and busy refusals": [
      ['550 This is not incoming server!', 'RoutingErrors'],
      ['554 This host is not an MX for example.org', 'RoutingErrors'],
      ['550 I am not the receiving mail server for example.org', 'RoutingErrors'],
      // Nearest phrases of other labels.
      ['550 5.7.1 Relaying denied: this is not an open relay', 'RelayDenied'],
      ['421 Too busy, not accepting incoming mail now', 'TransientFailure'],
      ['550 This server does not accept mail for example.org.', 'BadDomain'],
    ],
    // field-kinds-7: maddy sends a client that relays on port 25 to the submission service.
    'sent to the submission service for outgoing mail, against sender refusals': [
      ['501 5.1.8 Use Submission for outgoing SMTP', 'RelayDenied'],
      ['550 5.7.1 Please use the submission port (587) to send mail', 'RelayDenied'],
      ['554 use port 587 for outgoing mail, this is an MX', 'RelayDenied'],
      ['550 Try our submission service for outbound mail', 'RelayDenied'],
      // Nearest phrases of other labels: the sender's address itself refused, a
      // submission refused as spam, authentication required without relaying named.
      ['501 5.1.8 Sender domain has no MX or A record', 'InvalidSender'],
      ['501 5.1.7 Bad sender address syntax', 'InvalidSender'],
      ['554 5.7.1 Message submission rejected as spam', 'SpamContent'],
      ['530 5.7.0 Authentication required', 'AuthenticationFailed'],
    ],
    // field-kinds-7: "552 message line is too long" is the text-line limit, not a size.
    'a text line over the limit, against a message over the size limit': [
      ['552 message line is too long', 'ContentRelated'],
      ['554 5.6.0 Header line was too long', 'ContentRelated'],
      ['550 Message contains lines longer than 998 characters', 'ContentRelated'],
      ['552 5.6.0 line length exceeded', 'ContentRelated'],
      ['550 Your mail exceeds the maximum line length', 'ContentRelated'],
      // Nearest phrases of other labels: the whole message too large or long.
      ['552 message is too long', 'QuotaIssues'],
      ['552 5.3.4 Message size exceeds fixed maximum message size', 'QuotaIssues'],
      ['552 Your message body was too big for this server', 'QuotaIssues'],
      ['552 5.2.3 Message length exceeds administrative limit', 'QuotaIssues'],
    ],
    // field-kinds-7: cmail's "Failure to reach any MX" as the whole reason.
    'no MX reached, said as a noun, against an unreachable recipient or a refusal': [
      ['Failure to reach any MX', 'NoAnswerFromHost'],
      ['Inability to reach the mail server for example.org', 'NoAnswerFromHost'],
      ['failure to reach any mail exchanger, giving up', 'NoAnswerFromHost'],
      // Nearest phrases of other labels: a mailbox that cannot be reached is an address
      // problem; an MX that answered and refused is its refusal.
      ['550 5.1.1 Recipient unreachable: no such user', 'InvalidRecipient'],
      ['554 5.7.1 All MX hosts refused: blocked using zen.spamhaus.org', 'SpamBlock'],
    ],
  };

  describe.each(Object.entries(FAMILIES))('%s', (_family, cases) => {
    it.each(cases)('%j → %s', (line, expected) => {
      expect(classifier.classifyLine(line).label).toBe(expected);
    });
  });

  it('reads unknown users, full mailboxes and missing domains in Japanese, and keeps their neighbours apart', () => {
    const cases: Array<[string, string]> = [
      [
        '550 5.0.0 ユーザー Taro (taro@example.jp) は Domino ディレクトリには見つかりません。',
        'InvalidRecipient',
      ],
      ['550 ディレクトリのリストにありません', 'InvalidRecipient'],
      ['550 5.1.1 指定された宛先のユーザーは存在しません', 'InvalidRecipient'],
      ['550 このメールアドレスは見つかりません', 'InvalidRecipient'],
      ['550 宛先不明のため配信できませんでした', 'InvalidRecipient'],
      ['552 メールボックスがいっぱいです', 'QuotaIssues'],
      ['452 4.2.2 受信箱の容量を超えています', 'QuotaIssues'],
      ['受信ボックスの容量が限度に達しているため受け取れません', 'QuotaIssues'],
      ['メールボックスの容量の上限を超えました', 'QuotaIssues'],
      ['550 ドメインが見つかりません: example.invalid', 'BadDomain'],
      // Nearest replies of other labels: a mailbox that does not exist is no full one, a
      // refused sender domain is no missing domain, a policy refusal no unknown user.
      ['550 メールボックスは存在しません', 'InvalidRecipient'],
      ['550 5.7.1 ポリシーにより拒否されました', 'PolicyRelated'],
      ['550 送信元ドメインが拒否されました', 'Uncategorized'],
      // A sending count at its limit is no full mailbox: without the capacity word it stays
      // the sending limit's (TransientFailure), not QuotaIssues.
      ['メールボックスからの本日の送信数が上限に達しました', 'TransientFailure'],
      // The same in Chinese: capacity at its ceiling is a full mailbox, a count is not (since
      // h155 the sending count at its cap is the sending limit's, as in Japanese above).
      ['收件人邮箱空间已达上限', 'QuotaIssues'],
      ['对方信箱的容量达到限额，无法投递', 'QuotaIssues'],
      ['您的邮箱今日发送数量已达上限', 'TransientFailure'],
    ];
    for (const [line, label] of cases)
      expect({ line, label: classifier.classifyLine(line).label }).toEqual({ line, label });
  });

  it('takes 521 for a bad domain only when it says the host takes no mail (AOL sent 521 for blocks)', () => {
    const line = '521 5.2.1 (CON:B1) We will not accept delivery of this message';
    expect(classifier.classifyLine(line).label).not.toBe('BadDomain');
    expect(classifier.classifyLine('521 5.3.2 mx.example.org does not accept mail').label).toBe(
      'BadDomain',
    );
  });

  it('takes a final bounce that tried all MXs for an expiry, as any unreachable host', () => {
    expect(
      classifier.classifyLine('550 Too many failures (Tried all MXs)', { action: 'failed' }).label,
    ).toBe('MessageExpired');
  });
});

// Provider and gateway codes from their public documentation (rules/providers.toml names
// each page): replies written here in the documented form, and the nearest replies of
// other labels that must keep their own.
describe('documented provider codes and reply texts, in replies written here', () => {
  const classifier = compileClassifier(shipped);
  const FAMILIES: Record<string, Array<[string, string]>> = {
    'Exchange Online: 5.7.5xx and 5.7.7xx access codes, 5.1.8 bad outbound sender': [
      ['550 5.7.501 Access denied, spam abuse detected. AS(1234)', 'SpamBlock'],
      ['550 5.7.700 Access denied, tenant has exceeded threshold', 'SpamBlock'],
      ['550 5.7.712 Access denied, tenant has exceeded threshold.', 'SpamBlock'],
      ['550 5.7.705 Access denied, tenant has exceeded threshold.', 'SpamBlock'],
      ['550 5.1.8 Access denied, bad outbound sender. AS(42004) [x.prod.outlook.com]', 'SpamBlock'],
      [
        '550 5.7.508 Access denied, [2001:db8::7] has exceeded permitted limits within 2001:db8::/64 range',
        'TransientFailure',
      ],
      [
        '550 5.7.512 Access denied, message must be RFC 5322 section 3.6.2 compliant',
        'ContentRelated',
      ],
      [
        '550 5.7.703 Your message can\u2019t be delivered because messages to bob@example.org are blocked by your organization using Tenant Allow Block List.',
        'PolicyRelated',
      ],
      // Nearest replies of other labels.
      [
        '550 5.7.750 Service unavailable. Client blocked from sending from unregistered domains',
        'PolicyRelated',
      ],
      ['550 5.7.510 Access denied, example.org does not accept email over IPv6', 'PolicyRelated'],
      [
        '550 5.7.509 Access denied, sending domain example.com does not pass DMARC verification and has a DMARC policy of reject.',
        'AuthenticationFailed',
      ],
      ['553 5.1.8 Sender address rejected: Domain not found', 'InvalidSender'],
      ['550 5.2.2 Submission quota exceeded', 'TransientFailure'],
    ],
    'Gmail: reputation, content, SPF entries, 4.7.28 limits, header rules': [
      [
        '421 4.7.0 [198.51.100.4] This message is suspicious due to the very low reputation of the sending IP address. To protect our users from spam, email sent from your IP address has been temporarily rate limited. - gsmtp',
        'SpamBlock',
      ],
      [
        '550 5.7.1 This message is likely suspicious due to the very low reputation of the sending domain. https://support.google.com/mail/?p=UnsolicitedMessageError x9 - gsmtp',
        'SpamBlock',
      ],
      [
        '550 5.7.1 [198.51.100.4] The IP you\u2019re using to send email is not authorized to send email directly to our servers. Use the SMTP relay at your service provider instead. - gsmtp',
        'SpamBlock',
      ],
      [
        '421 4.7.0 This message is suspicious due to the nature of the content or the links within. - gsmtp',
        'SpamContent',
      ],
      [
        '451 4.7.24 The SPF record of the sending domain has one or more suspicious entries. To protect our users from spam, email sent from your IP address has been temporarily rate limited. - gsmtp',
        'AuthenticationFailed',
      ],
      [
        '421 4.7.28 Gmail has detected an unusual rate of unsolicited email originating from your DKIM domain example.com. Email sent from your domain has been temporarily rate limited. - gsmtp',
        'SpamRelated',
      ],
      [
        '421 4.7.28 Gmail has detected this sender exceeded the quota for sending messages that have the same Message-ID:. - gsmtp',
        'TransientFailure',
      ],
      ['421 4.7.0 Connection expired, try reconnecting. - gsmtp', 'TransientFailure'],
      [
        '550 5.7.1 The message contains a unicode character in a disallowed header. - gsmtp',
        'ContentRelated',
      ],
      [
        '550 5.7.1 Encoded-word syntax is not permitted in message header From. - gsmtp',
        'ContentRelated',
      ],
      // Nearest replies of other labels: the block at 5xx, the anchor alone, quotas.
      [
        '550 5.7.28 There is an unusual rate of unsolicited email originating from your IP address. Email sent from your IP address has been blocked. - gsmtp',
        'SpamBlock',
      ],
      [
        '550 5.7.1 This message is likely unsolicited email. https://support.google.com/mail/?p=UnsolicitedMessageError x9 - gsmtp',
        'SpamContent',
      ],
      [
        '550 5.7.26 This email has been blocked because the sender is unauthenticated. - gsmtp',
        'AuthenticationFailed',
      ],
      ['452 4.2.2 The recipient\u2019s inbox is out of storage space. - gsmtp', 'QuotaIssues'],
      [
        '552 5.2.2 The recipient\u2019s inbox is out of storage space and inactive. - gsmtp',
        'InactiveMailbox',
      ],
      [
        '550 5.7.1 IP not in whitelist for RCPT domain, closing connection. - gsmtp',
        'PolicyRelated',
      ],
    ],
    'Yahoo: PH* content blocks beside TS* deferrals': [
      [
        '554 Message not allowed - [PH01] Email not accepted for policy reasons. See https://postmaster.yahooinc.com/error-codes',
        'SpamContent',
      ],
      ['554 5.7.9 [PH02] Message not accepted for policy reasons.', 'SpamContent'],
      [
        '421 4.7.0 [TSS04] Messages from 198.51.100.4 temporarily deferred due to unexpected volume or user complaints',
        'SpamBlock',
      ],
      ['554 5.7.9 Message not accepted for policy reasons.', 'PolicyRelated'],
    ],
    'Yandex: spam statistics, a blocked recipient, spam content': [
      ['554 5.7.1 [2] Blocked by spam statistics - see https://ya.cc/x', 'SpamBlock'],
      ['550 5.7.1 Policy rejection on the target address', 'InactiveMailbox'],
      ['554 5.7.1 [1] Message rejected under suspicion of SPAM; https://ya.cc/x', 'SpamContent'],
      ['552 5.2.2 Mailbox size limit exceeded', 'QuotaIssues'],
      ['550 5.7.1 Rejected by the recipient\u2019s policy', 'PolicyRelated'],
    ],
    'QQ Mail: a recipient receiving too much for now, not a missing mailbox': [
      ['550 Mailbox unavailable or access denied', 'TransientFailure'],
      [
        '550 Mailbox not found. http://service.exmail.qq.com/cgi-bin/help?id=20022',
        'InvalidRecipient',
      ],
      ['550 Mailbox not found or access denied', 'InvalidRecipient'],
      ['550 5.5.0 Requested action not taken: mailbox unavailable', 'InvalidRecipient'],
    ],
    'GMX and WEB.DE: storage used up, SPF refusals': [
      [
        '550 Benutzer hat das Speichervolumen ueberschritten. / User has exhausted allowed storage space.',
        'QuotaIssues',
      ],
      ['550 User has too many messages on the server.', 'QuotaIssues'],
      [
        '550 <bob@example.de>: Reject due to SPF policy. The originating IP of the message is not permitted by the domain owner',
        'AuthenticationFailed',
      ],
      // Nearest replies of other labels.
      ['421 Too many messages from your IP, try again later', 'TransientFailure'],
      ['550 5.2.1 bob@example.de User is inactive', 'InactiveMailbox'],
      ['550 Reject due to local policy', 'PolicyRelated'],
    ],
    'Trend Micro Email Reputation Services': [
      [
        '450 4.7.1 Mail from 198.51.100.4 deferred using Trend Micro Email Reputation database. Please see http://www.mail-abuse.com/cgi-bin/lookup?198.51.100.4',
        'SpamBlock',
      ],
      [
        '550 Mail from 198.51.100.4 refused by rbl-plus.mail-abuse.org. Please refer to http://mail-abuse.com/rbl for an explanation',
        'SpamBlock',
      ],
      ['550 5.7.1 Message rejected by Trend Micro content filter', 'SpamContent'],
    ],
    'AT&T / BellSouth mailblock replies: a suspended mailbox, sender DNS, the rblmx list': [
      [
        '550 [suspend] Mailbox currently suspended--Please contact correspondent directly.',
        'InactiveMailbox',
      ],
      ['550 [permfail] bellsouth.net requires valid sender domain', 'AuthenticationFailed'],
      ['550 [permfail] requires valid sender domain', 'AuthenticationFailed'],
      ['550 <198.51.100.4> blocked by ldap:ou=rblmx, dc=bellsouth, dc=net', 'SpamBlock'],
      ['550 unauthorized interface for <198.51.100.4>', 'SpamBlock'],
      // Nearest replies of other labels: another LDAP lookup, a quota, a sender domain.
      [
        '550 5.1.0 <bob@example.net>... blocked by ldap:ou=people, dc=example, dc=net',
        'Uncategorized',
      ],
      ['452 4.2.2 Mailbox currently over quota', 'QuotaIssues'],
      ['550 5.1.8 Sender domain must resolve', 'InvalidSender'],
      ['550 5.7.1 Unauthorized relay', 'RelayDenied'],
    ],
    'GoDaddy (secureserver.net) IB codes': [
      ['421 Server temporarily unavailable. Try again later. IB101', 'TransientFailure'],
      ['421 Temporarily rejected. Reverse DNS for this IP failed. IB108', 'AuthenticationFailed'],
      [
        '550 jane@example.com Invalid SPF record. Inspect your SPF settings, and try again. IB508',
        'AuthenticationFailed',
      ],
      [
        '452 This message contains too many recipients. Please reduce the number of recipients and retry. IB605',
        'TooManyRecipients',
      ],
      [
        '550 jane@example.com Blank From: addresses are not allowed. Provide a valid From. IB501',
        'ContentRelated',
      ],
      [
        '550 jane@example.com IP addresses are not allowed as a From: Address. Provide a valid From. IB502',
        'ContentRelated',
      ],
      ['550 example.com From: Domain is invalid. Provide a valid From: IB506', 'InvalidSender'],
      // The code decides where the words say little.
      ['550 5.7.1 rejected IB506', 'InvalidSender'],
      // Nearest replies of other labels: another IB code, the code inside a longer token.
      [
        '552 5.2.0 This message has been rejected due to content judged to be spam by the internet community IB212',
        'SpamContent',
      ],
      ['550 5.1.1 unknown user XIB108', 'InvalidRecipient'],
    ],
    'Rackspace (G..) inbound codes': [
      ['421 Too many concurrent connections from this client (G2)', 'TransientFailure'],
      ['451 4.7.1 Received too many messages from a new or untrusted IP (G28)', 'TransientFailure'],
      [
        '450 4.2.1 <bob@example.com>: Mailbox received too much email in a short period of time (G30)',
        'TransientFailure',
      ],
      ['450 4.2.1 Try again later (G30)', 'TransientFailure'],
      ['450 4.7.1 Client host 198.51.100.4 has no PTR record (G1F)', 'AuthenticationFailed'],
      // Nearest replies of other labels: another G code, the same enhanced code disabled.
      ['450 4.4.6 Routing loop detected (G16)', 'RoutingErrors'],
      ['450 4.2.1 Mailbox disabled, not accepting messages', 'InactiveMailbox'],
    ],
    'Zoho: an outgoing account restricted for unusual activity': [
      ['550 5.4.6 Unusual sending activity detected. Please try after sometime.', 'PolicyRelated'],
      ['554 5.4.6 Unusual sending activity detected', 'PolicyRelated'],
      // Nearest replies of other labels: 5.4.6 as a loop, an unusual volume from an IP.
      ['550 5.4.6 Routing loop detected', 'RoutingErrors'],
      ['421 4.7.0 Unusual amount of email from your IP, try again later', 'TransientFailure'],
    ],
  };

  describe.each(Object.entries(FAMILIES))('%s', (_family, cases) => {
    it.each(cases)('%j → %s', (line, expected) => {
      expect(classifier.classifyLine(line).label).toBe(expected);
    });
  });

  it('takes each new pattern from rules/providers.toml, ahead of the generic phrases', () => {
    for (const line of [
      '550 5.7.501 Access denied, spam abuse detected.',
      '550 5.1.8 Access denied, bad outbound sender',
      '554 Message not allowed - [PH01] Email not accepted for policy reasons.',
      '550 Mailbox unavailable or access denied',
      '550 [suspend] Mailbox currently suspended',
      '421 Server temporarily unavailable. Try again later. IB101',
      '450 4.7.1 Client host 198.51.100.4 has no PTR record (G1F)',
      '550 5.4.6 Unusual sending activity detected.',
    ]) {
      expect(classifier.classifyLine(line).rule?.file).toBe('rules/providers.toml');
    }
  });

  it('takes provider codes only as whole tokens', () => {
    for (const line of [
      '550 5.1.1 unknown user XIB108',
      '550 5.1.1 unknown user IB1010',
      '421 Too many concurrent connections (G20)',
      '450 4.7.1 Client host 198.51.100.4 has no PTR record (G1)',
      '550 5.1.0 <bob@example.net>... blocked by ldap:ou=people, dc=example, dc=net',
    ]) {
      expect(classifier.classifyLine(line).rule?.file).not.toBe('rules/providers.toml');
    }
  });
});

// Wording families of MTA programs, delivery agents and gateways (rules/phrases.toml
// names each source): replies written here, without specific enhanced codes so the
// phrase decides, and the nearest phrases of other labels.
describe('delivery-agent, MTA and gateway wordings without a specific enhanced code', () => {
  const classifier = compileClassifier(shipped);
  const FAMILIES: Record<string, Array<[string, string]>> = {
    'RFC 5321 553 "mailbox name not allowed" and directory lookups': [
      ['553 Requested action not taken: mailbox name not allowed', 'InvalidRecipient'],
      ['550 Mailbox name is invalid', 'InvalidRecipient'],
      ['550 <bob@example.org>: recipient not found in the LDAP directory', 'InvalidRecipient'],
      ['550 Recipient address rejected: user not listed in our directory', 'InvalidRecipient'],
      ['550 address not present in directory', 'InvalidRecipient'],
      ['550 recipient is not in the company directory', 'InvalidRecipient'],
      // Nearest phrases of other labels.
      ['550 Sender address rejected: not in our directory', 'InvalidSender'],
      ['554 Client host 192.0.2.9 is listed in the Spamhaus directory', 'SpamBlock'],
      ['553 Sender mailbox name not allowed: Domain not found', 'InvalidSender'],
    ],
    'the user or mailbox not found, in other verbs and adjectives': [
      ['550 Could not find user bob', 'InvalidRecipient'],
      ['550 couldn\u2019t find that mailbox', 'InvalidRecipient'],
      ['550 mailbox <bob@example.org> not present', 'InvalidRecipient'],
      ['550 User not registered', 'InvalidRecipient'],
      ['550 e-mail address is unregistered', 'InvalidRecipient'],
      ['550 delivery failed: the recipient has no mailbox on this server', 'InvalidRecipient'],
      ['550 Nonexistent user', 'InvalidRecipient'],
      ['550 non-existent mailbox bob', 'InvalidRecipient'],
      ['550 Unknown local user bob', 'InvalidRecipient'],
      ['550 unknown mail recipient', 'InvalidRecipient'],
      ['554 5.5.1 Error: no valid recipients', 'InvalidRecipient'],
      ['550 Recipient verification failed', 'InvalidRecipient'],
      ['192.0.2.4 does not like recipient.', 'InvalidRecipient'],
      ['550 Recipient rejected: <bob@example.org>', 'InvalidRecipient'],
      ['550 Destination address rejected.', 'InvalidRecipient'],
      ['550 user unavailable', 'InvalidRecipient'],
      // Nearest phrases of other labels.
      ['550 Could not find a mail exchanger for example.invalid', 'BadDomain'],
      ['550 5.1.2 non-existent domain example.invalid', 'BadDomain'],
      ['550 5.7.1 Your IP address 192.0.2.9 is not registered as a mail server', 'PolicyRelated'],
      [
        '192.0.2.4 does not like recipient. Remote host said: 554 Client host blocked using zen.spamhaus.org',
        'SpamBlock',
      ],
      ['550 Recipient rejected: message looks like spam', 'SpamContent'],
      ['451 4.1.1 Could not complete recipient verify callout', 'TransientFailure'],
      ['450 4.2.1 user unavailable, try again later', 'TransientFailure'],
      ['550 Unknown sender', 'InvalidSender'],
    ],
    'an account closed, deleted or left unused': [
      ['550 Account closed due to inactivity', 'InactiveMailbox'],
      ['550 5.1.1 bob@example.org: mailbox deleted', 'InactiveMailbox'],
      ['550 This user has been removed', 'InactiveMailbox'],
      ['550 the account was permanently deleted by its owner', 'InactiveMailbox'],
      ['550 mailbox suspended for inactivity', 'InactiveMailbox'],
      ['550 5.1.1 address shut down after two years of inactivity', 'InactiveMailbox'],
      // Nearest phrases of other labels.
      ['421 4.4.2 Connection closed due to inactivity', 'BadConnection'],
      ['550 5.1.1 user unknown', 'InvalidRecipient'],
      ['550 message deleted: contains a virus', 'VirusRelated'],
    ],
    'a mailbox file that hit its limit (errno texts of delivery agents)': [
      [
        'cannot update mailbox /var/mail/bob for user bob. error writing message: File too large',
        'QuotaIssues',
      ],
      ['cannot append message to file /home/bob/Maildir: No space left on device', 'QuotaIssues'],
      ['maildir delivery failed: Disk quota exceeded', 'QuotaIssues'],
      // Nearest phrases of other labels.
      ['cannot append message to file /var/mail/bob: Permission denied', 'BadConfiguration'],
      ['550 5.7.1 attachment file type not allowed', 'ProhibitedAttachment'],
    ],
    'the sender refused as an address, with nothing else said': [
      ['550 5.1.0 <alice@example.com> sender rejected', 'InvalidSender'],
      ['553 Sender is not allowed', 'InvalidSender'],
      ['550 envelope sender refused: <alice@example.com>', 'InvalidSender'],
      ['Connected to 192.0.2.4 but sender was rejected.', 'InvalidSender'],
      ['550 From address is not valid', 'InvalidSender'],
      ['553 MAIL FROM address invalid', 'InvalidSender'],
      // Nearest phrases of other labels.
      ['550 5.7.1 Sender rejected: IP 192.0.2.9 listed at zen.spamhaus.org', 'SpamBlock'],
      ['550 5.7.1 Sender rejected', 'PolicyRelated'],
      ['550 alice@example.com: sender rejected due to SPF fail', 'AuthenticationFailed'],
      ['550 sender@example.org: recipient rejected', 'InvalidRecipient'],
    ],
    'relaying refused for a domain, SPF explanation pages and TLS certificates': [
      [
        '553 Sorry, that domain isn\u2019t allowed to be relayed thru this MTA (#5.7.1)',
        'RelayDenied',
      ],
      ['550 example.org is not permitted to relay through this server', 'RelayDenied'],
      ['553 Relaying disallowed', 'RelayDenied'],
      [
        '550 5.7.1 Please see http://www.open-spf.org/Why?s=mfrom;id=a%40example.com;ip=192.0.2.1;r=mx',
        'AuthenticationFailed',
      ],
      ['Server certificate not verified', 'AuthenticationFailed'],
      ['TLS handshake aborted: peer certificate has expired', 'AuthenticationFailed'],
      // Nearest phrases of other labels.
      ['554 Your server is an open relay', 'SpamBlock'],
      ['550 Please see http://www.example.org/why for our policy', 'PolicyRelated'],
    ],
    'spam content: contains spam, may be considered spam, bulk mail, scores': [
      ['554 This message has been blocked because it contains spam', 'SpamContent'],
      ['553 The message matches a profile the Internet community may consider spam', 'SpamContent'],
      ['550 Message might be considered as junk', 'SpamContent'],
      ['554 Rejected by bulk-mail filter', 'SpamContent'],
      ['550 Bulk mail not accepted', 'SpamContent'],
      ['550 Message score too high', 'SpamContent'],
      ['554 spam score exceeds threshold', 'SpamContent'],
      // Nearest phrases of other labels.
      ['550 Your IP reputation score is too low', 'SpamBlock'],
      ['550 5.7.1 Your list contains spam traps', 'SpamRelated'],
      ['554 Message contains spam or virus', 'SpamContent'],
      ['554 Message contains a virus', 'VirusRelated'],
      ['550 Too many spammers use this network: 192.0.2.0/24 blacklisted', 'SpamBlock'],
    ],
    'the client IP named, then blocked; spam reports': [
      ['554 Client host [192.0.2.9] blocked', 'SpamBlock'],
      ['550 Access from ip address 192.0.2.9 blocked', 'SpamBlock'],
      ['550 IP 192.0.2.9 banned', 'SpamBlock'],
      ['554 rejected due to spam reports from our users', 'SpamBlock'],
      ['421 Your complaint rate is too high', 'SpamBlock'],
      // Nearest phrases of other labels.
      ['421 4.7.0 Too many connections from 192.0.2.9', 'TransientFailure'],
      ['550 Host 192.0.2.9 refused to talk to me', 'PolicyRelated'],
    ],
    'the sending MTA gave up: retries exhausted, queue lifetime reached': [
      ['Message could not be delivered for more than 5 days', 'MessageExpired'],
      ['Delivery failed after 3 days of retries', 'MessageExpired'],
      ['gave up after 48 hours', 'MessageExpired'],
      ['Expired: message in queue too long', 'MessageExpired'],
      ['message is too old', 'MessageExpired'],
      ['Undeliverable after maximum number of retries', 'MessageExpired'],
      ['delivery attempts exhausted', 'MessageExpired'],
      ['retry count reached', 'MessageExpired'],
      ['delivery time limit exceeded', 'MessageExpired'],
      // Nearest phrases of other labels.
      ['421 Too many connection attempts', 'TransientFailure'],
      ['Command time limit exceeded: "/usr/bin/procmail"', 'BadConfiguration'],
      ['connect to mx.example.com[192.0.2.9]:25: Connection timed out', 'NoAnswerFromHost'],
    ],
    'loops, unreachable hosts and connections that died': [
      ['554 Message has been forwarded too many times', 'RoutingErrors'],
      ['Too many "Received" headers - suspected mail loop', 'RoutingErrors'],
      ['Host mx.example.com [192.0.2.9] unreachable', 'NoAnswerFromHost'],
      ['Connected to 192.0.2.9 but connection died. (#4.4.2)', 'BadConnection'],
      ['Sorry, I lost the connection after sending data', 'BadConnection'],
      ['connection to mx.example.com [192.0.2.9] dropped', 'BadConnection'],
      // Nearest phrases of other labels.
      ['550 The recipient domain is unreachable', 'BadDomain'],
      ['Sorry, I wasn\u2019t able to establish an SMTP connection. (#4.4.1)', 'NoAnswerFromHost'],
    ],
    'the local delivery program or mailbox store failed': [
      ['Command died with status 1: "/usr/bin/procmail"', 'BadConfiguration'],
      ['Command died with signal 9: "/usr/local/bin/filter"', 'BadConfiguration'],
      [
        'Child process of local_delivery transport returned 69 (could mean service or program unavailable)',
        'BadConfiguration',
      ],
      ['554 5.3.0 unknown mailer error 1', 'BadConfiguration'],
      ['550 5.4.0 STOREDRV.Deliver; mailbox database offline', 'BadConfiguration'],
      // The delivery program could not be started at all (qmail's spawners, Sendmail).
      ['Unable to run qmail-local.', 'BadConfiguration'],
      ['could not spawn the remote delivery agent', 'BadConfiguration'],
      ['failed to execute /usr/local/libexec/deliver-filter', 'BadConfiguration'],
      // Nearest phrases of other labels: the program's output names the cause.
      [
        'Command died with status 77: "/usr/lib/dovecot/deliver". Command output: Quota exceeded (mailbox for user is full)',
        'QuotaIssues',
      ],
      [
        'Command died with status 67: "/usr/bin/maildrop". Command output: Unknown user bob',
        'InvalidRecipient',
      ],
      // Starting something that is not a delivery program: a session, a retry.
      ['421 4.3.2 could not start a new session, try again later', 'TransientFailure'],
      [
        'Unable to run qmail-remote delivery to a host that does not exist: no such domain',
        'BadDomain',
      ],
    ],
    'a domain named as taking no mail, an address that moved, a malformed message, a system error':
      [
        ['550 5.1.1 mail.example.org does not accept mail', 'BadDomain'],
        ['550 This server does not accept mail for example.org.', 'BadDomain'],
        ['550 [example.org] won\u2019t accept e-mail', 'BadDomain'],
        ['550 This address has moved to bob@example.net', 'InactiveMailbox'],
        ['550 e-mail address changed', 'InactiveMailbox'],
        ['550 The recipient has a new e-mail address', 'InactiveMailbox'],
        ['550 Message does not conform to RFC 5322', 'ContentRelated'],
        ['554 Malformed e-mail rejected', 'ContentRelated'],
        ['554 5.3.0 System error', 'BadConfiguration'],
        ['554 mail server failure', 'BadConfiguration'],
        ['550 Unexpected failure while delivering', 'BadConfiguration'],
        // Nearest phrases of other labels.
        ['550 5.7.1 bob@example.org does not accept mail from you', 'PolicyRelated'],
        ['550 We do not accept mail for bob@example.org', 'Uncategorized'],
        ['550 We do not accept mail from spammers', 'SpamRelated'],
        ['550 Sender address has changed its DNS', 'Uncategorized'],
        ['550 Malformed address: missing domain', 'ProtocolErrors'],
        ['451 4.3.0 Temporary system error', 'TransientFailure'],
        ['451 Unexpected failure, please try later', 'TransientFailure'],
        ['554 System error: user unknown', 'InvalidRecipient'],
      ],
    'sizes, spam complaints, sender domains without MX, mailbox files out of reach': [
      ['552 Sorry, we do not take messages of that size', 'QuotaIssues'],
      ['552 e-mails of this size are refused here', 'QuotaIssues'],
      ['421 4.7.0 Connection refused: too many spam complaints', 'SpamBlock'],
      ['550 The network of your server has been reported for abuse', 'SpamBlock'],
      ['550 Your IP address has been flagged as spam', 'SpamBlock'],
      ['553 Sender domain must have a valid MX record', 'InvalidSender'],
      ['Unable to chdir to maildir. (#4.2.1)', 'BadConfiguration'],
      ['cannot open mailbox /var/mail/bob: Input/output error', 'BadConfiguration'],
      ['550 Address has changed', 'InactiveMailbox'],
      // Nearest phrases of other labels.
      ['552 5.2.2 cannot write to mailbox: quota exceeded', 'QuotaIssues'],
      ['550 Your message has been flagged as spam', 'SpamContent'],
      ['421 4.4.1 connect to mx.example.com[192.0.2.9]:25: Connection refused', 'NoAnswerFromHost'],
      ['550 Recipient domain has no MX record', 'BadDomain'],
    ],
    'Domino mail files and routes, directory searches, a bare address refused': [
      ['Unable to deliver message: the mail file is full', 'QuotaIssues'],
      ['bob\u2019s mail file has exceeded its quota', 'QuotaIssues'],
      ['Unable to find bob in the Domino Directory', 'InvalidRecipient'],
      ['550 could not find recipient <bob@example.org> in our LDAP', 'InvalidRecipient'],
      ['No route found to domain example.invalid from server HUB01/Example', 'BadDomain'],
      ['550 Address rejected: <bob@example.org>', 'InvalidRecipient'],
      // Nearest phrases of other labels.
      ['554 5.4.6 Routing loop detected: no route to host MAIL02', 'RoutingErrors'],
      ['550 Sender address rejected: <alice@example.com>', 'InvalidSender'],
      ['550 5.7.1 Address rejected: listed at zen.spamhaus.org', 'SpamBlock'],
      ['550 cannot find your hostname in DNS', 'AuthenticationFailed'],
    ],
    'broader verbs: located, storage used up, sender scores, appears to be spam, allowed time': [
      ['550 Mailbox dave@example.net could not be located', 'InvalidRecipient'],
      ['550 the user dave was not located', 'InvalidRecipient'],
      ['452 storage limit reached for dave@example.net', 'QuotaIssues'],
      ['452 Disk space for this account has been used up', 'QuotaIssues'],
      ['552 No room left in the destination mailbox', 'QuotaIssues'],
      ['550 Your server has a low reputation score', 'SpamBlock'],
      ['554 Poor sender score for 192.0.2.44', 'SpamBlock'],
      ['421 Mail from your network refused because of abuse', 'SpamBlock'],
      ['550 The message appears to be junk', 'SpamContent'],
      ['554 Blocked: spamlike content', 'SpamContent'],
      ['Message not delivered within the permitted time', 'MessageExpired'],
      ['Delivery abandoned: message was too old', 'MessageExpired'],
      ['Failed to open an SMTP connection to mx.example.net', 'NoAnswerFromHost'],
      ['550 example.invalid has no mail servers', 'BadDomain'],
      ['550 No mail hosts found for example.invalid', 'BadDomain'],
      ['550 Relaying for dave@example.net is not permitted', 'RelayDenied'],
      ['553 Malformed envelope from address', 'InvalidSender'],
      ['554 Virus Win.Test.EICAR_HDB-1 found in the message', 'VirusRelated'],
      // Nearest phrases of other labels.
      ['550 5.4.5 Daily sending limit reached', 'TransientFailure'],
      ['550 Your account was suspended due to abuse', 'InactiveMailbox'],
      ['550 sender domain has no mail server', 'InvalidSender'],
      ['451 4.4.1 Connection to mx.example.net timed out', 'NoAnswerFromHost'],
    ],
    'infected objects, blocked extensions, capacity, on hold, triggered filters, aged out': [
      ['554 infected file found in your message', 'VirusRelated'],
      ['550 matched a virus signature', 'VirusRelated'],
      ['554 Message has a potential malware payload: contains a known malware', 'VirusRelated'],
      ['552 Files with the extension .scr are blocked here', 'ProhibitedAttachment'],
      ['550 Sorry, this is not an open relay', 'RelayDenied'],
      ['550 192.0.2.44 is not listed in the example.com SPF record', 'AuthenticationFailed'],
      ['550 user frank unknown', 'InvalidRecipient'],
      ['550 There is no mailbox called frank', 'InvalidRecipient'],
      ['552 the recipient mailbox is at capacity', 'QuotaIssues'],
      ['452 the user is over their storage allowance', 'QuotaIssues'],
      ['550 the account has been placed on hold', 'InactiveMailbox'],
      ['421 rejected: excessive spam from your network', 'SpamBlock'],
      ['550 Message quarantined as spam', 'SpamContent'],
      ['550 Your message triggered the anti-spam filter', 'SpamContent'],
      ['Message expired after 5 days in the queue', 'MessageExpired'],
      ['The message aged out before it could be delivered', 'MessageExpired'],
      ['Could not reach any MX host for example.net', 'NoAnswerFromHost'],
      ['The peer reset the connection while we sent RCPT', 'BadConnection'],
      ['550 frank@example.invalid: unknown mail domain', 'BadDomain'],
      ['554 The message looped back to this server', 'RoutingErrors'],
      // Nearest phrases of other labels.
      ['554 Client host [192.0.2.44] is listed as an open relay', 'SpamBlock'],
      ['550 unknown sender domain example.com', 'InvalidSender'],
      ['552 attachment too large', 'QuotaIssues'],
      ['450 message placed on hold for review, try again later', 'TransientFailure'],
      ['421 4.4.2 connection reset by peer', 'BadConnection'],
    ],
    'a user without a mailbox, out of service, time limits, unresolvable domains, failed checks': [
      ['550 user hank doesn\u2019t have an account here', 'InvalidRecipient'],
      ['550 this e-mail account is out of service', 'InactiveMailbox'],
      ['550 address no longer in service', 'InactiveMailbox'],
      ['Delivery failed: not delivered in the time limit', 'MessageExpired'],
      ['The message was undeliverable for 4 days', 'MessageExpired'],
      ['550 host name mail.example.invalid cannot be resolved', 'BadDomain'],
      ['No DNS records found for example.invalid', 'BadDomain'],
      ['550 The domain of the recipient is invalid', 'BadDomain'],
      ['550 Message failed sender authentication tests', 'AuthenticationFailed'],
      // Nearest phrases of other labels.
      ['451 4.4.0 host name mail.example.net cannot be resolved', 'DNSFailure'],
      ['550 SMTP service not available', 'Uncategorized'],
      ['421 Service not available, closing transmission channel', 'TransientFailure'],
      ['550 5.1.8 Sender domain cannot be resolved', 'InvalidSender'],
    ],
  };

  describe.each(Object.entries(FAMILIES))('%s', (_family, cases) => {
    it.each(cases)('%j → %s', (line, expected) => {
      expect(classifier.classifyLine(line).label).toBe(expected);
    });
  });
});

// The families added after the hand-written blind set (bench/blind.js) showed where the
// shipped rules gave no or the wrong label: replies written here in other wordings than
// that set's (so it stays a fair check), and the nearest phrases of other labels.
describe('scanner threats, relaying for authenticated clients, sizes, delivery programs, queue age, spam thresholds, sender blocks and approved senders', () => {
  const classifier = compileClassifier(shipped);
  const FAMILIES: Record<string, Array<[string, string]>> = {
    'a scanner that calls what it found a threat': [
      ['550 5.7.1 Threats found in the attachment, message refused', 'VirusRelated'],
      ['554 5.6.0 Malicious attachment detected, delivery refused', 'VirusRelated'],
      ['550 We identified a threat in your message', 'VirusRelated'],
      // Nearest phrases of other labels.
      ['550 5.7.1 Message rejected by Advanced Threat Protection policy', 'PolicyRelated'],
      ['554 5.7.1 Phishing attempt detected', 'SpamContent'],
      ['550 Virus scanning service unavailable', 'Uncategorized'],
    ],
    'relaying offered only to authenticated clients': [
      ['530 5.7.1 Authentication required for relay', 'RelayDenied'],
      ['550 You must log in to relay mail through this server', 'RelayDenied'],
      ['554 relaying requires SMTP authentication', 'RelayDenied'],
      // Nearest phrases of other labels.
      ['530 5.7.0 Authentication required', 'AuthenticationFailed'],
      ['535 5.7.8 Authentication failed for relay user bob', 'AuthenticationFailed'],
    ],
    'locked out after failed logins': [
      ['421 4.7.0 Too many authentication failures, closing connection', 'AuthenticationFailed'],
      ['454 4.7.0 too many failed login attempts', 'AuthenticationFailed'],
      // Nearest phrases of other labels.
      ['421 4.7.0 Too many connections from your IP, try again later', 'TransientFailure'],
      ['421 4.7.0 Too many errors from your IP, try again later', 'TransientFailure'],
    ],
    'the message or its attachment too large, in other words': [
      ['552 Your e-mail is too large for this server', 'QuotaIssues'],
      ['550 The attachment is too big to be delivered', 'QuotaIssues'],
      ['552 5.3.4 message larger than the maximum size accepted by this server', 'QuotaIssues'],
      ['554 message exceeds the size permitted by this recipient', 'QuotaIssues'],
      // Nearest phrases of other labels.
      ['552 5.6.0 Header is too large', 'ContentRelated'],
      ['550 5.6.0 header is too long', 'ContentRelated'],
      ['550 Too many recipients', 'TooManyRecipients'],
      ['550 5.7.1 Attachment type not allowed', 'ProhibitedAttachment'],
    ],
    'the local delivery program or the mailbox write failed': [
      ['554 5.3.0 delivery program /usr/bin/procmail exited with status 75', 'BadConfiguration'],
      ['550 local delivery error for user bob', 'BadConfiguration'],
      ['451 error while writing into the mailbox', 'BadConfiguration'],
      // Nearest phrases of other labels: a cause said in the same text decides.
      ['552 error writing message: File too large', 'QuotaIssues'],
      ['550 local delivery failed: mailbox is full', 'QuotaIssues'],
      ['550 local delivery failed: user unknown', 'InvalidRecipient'],
    ],
    'queued longer than allowed': [
      ['Message has been queued for longer than 4 days and was returned', 'MessageExpired'],
      ['The message stayed in our queue longer than the configured lifetime', 'MessageExpired'],
      // Nearest phrase of another label: a timeout at the time of the attempt.
      ['421 4.4.2 Connection timed out', 'NoAnswerFromHost'],
    ],
    'the spam score against the threshold, and the verdict as a field': [
      ['550 5.7.1 Spam score 9.8 is above the rejection threshold', 'SpamContent'],
      ['550 5.7.1 Message exceeds the spam threshold', 'SpamContent'],
      ['554 Rejected, content: junk', 'SpamContent'],
      // Nearest phrases of other labels.
      ['550 5.7.1 Sender reputation below threshold', 'SpamBlock'],
      ['421 4.7.0 Connection rate above threshold, slow down', 'TransientFailure'],
      ['554 5.7.1 reason: spamhaus listed', 'SpamBlock'],
    ],
    'the receiver blocked the sending server, for its conduct or its reputation': [
      ['550 5.7.1 We have blacklisted your IP address for sending unsolicited mail', 'SpamBlock'],
      ['554 Our filters have banned the sending server', 'SpamBlock'],
      ['421 4.7.0 Suspicious sending activity from your IP; try again later', 'SpamBlock'],
      ['550 5.7.1 Rejected by IP reputation filtering', 'SpamBlock'],
      // Nearest phrases of other labels: the message's content, a recipient's own block.
      ['550 5.7.1 Message blocked: spam-like content', 'SpamContent'],
      ['550 5.7.1 The recipient has blocked your address', 'PolicyRelated'],
    ],
    'RFC 5321 "No SMTP service here", and mail from approved senders only': [
      // Bare, the host takes no mail at all (RFC 5321 §3.1): see the standards block below.
      ['554 No SMTP service here', 'BadDomain'],
      ['554 No SMTP service for 192.0.2.1', 'PolicyRelated'],
      ['550 This address only accepts messages from members', 'PolicyRelated'],
      ['550 this mailbox only receives mail from contacts', 'PolicyRelated'],
      ['550 5.7.1 Recipient accepts mail from authorized senders only', 'PolicyRelated'],
      // Nearest phrases of other labels.
      ['550 SMTP service not available', 'Uncategorized'],
      ['556 5.1.10 MX or SRV record indicated no SMTP service', 'BadDomain'],
    ],
    'RFC 5321 551 "user not local" with the new address, in other verbs': [
      ['551 user not local, please send to <ann@new.example.com>', 'InactiveMailbox'],
      ['551 5.1.6 User not local. Use <ann@example.net> instead', 'InactiveMailbox'],
      // Nearest phrases of other labels: a relay refusal, and the words alone.
      ['551 5.7.1 user not local; relaying denied', 'RelayDenied'],
      ['550 user not local', 'Uncategorized'],
    ],
    'T-Online refusing the sending IP, with or without its reason': [
      [
        '554 IP=198.51.100.20 - A problem occurred. (Ask your postmaster for help or to contact tosa@rx.t-online.de to clarify.)',
        'PolicyRelated',
      ],
      [
        '554 IP=198.51.100.21 - A problem occurred. (Ask your postmaster for help or to contact tosa@rx.t-online.de to clarify.) (BL)',
        'SpamBlock',
      ],
      // Nearest phrase of another label: a generic "problem occurred".
      ['451 A problem occurred, please try again later', 'TransientFailure'],
    ],
  };

  describe.each(Object.entries(FAMILIES))('%s', (_family, cases) => {
    it.each(cases)('%j → %s', (line, expected) => {
      expect(classifier.classifyLine(line).label).toBe(expected);
    });
  });
});

describe('DNS blocklist listings of the sending IP, against TCP refusals and entries that are not listings', () => {
  const classifier = compileClassifier(shipped);
  const finalLabel = (line: string) =>
    classifier.classifyLine(line, { action: 'failed', command: 'CONNECT' }).label;

  it.each([
    // The IP itself is the subject of the listing, even after "Connection refused:".
    ['554 5.7.1 Connection refused: 203.0.113.9 is listed at bl.example.org'],
    ['550 5.7.1 Connection refused: [203.0.113.9] currently listed in dnsbl.example.net'],
    ['554 203.0.113.9 was listed on rbl.example.com, come back later'],
    ['554 5.7.1 Refused: 2001:db8:5::9 is listed by bl.example.org'],
    // Exim dnslists default text; Postfix reject_rbl_client default text.
    ['550 5.7.1 rejected because 203.0.113.9 is in a black list at dnsbl.example.org'],
    ['554 5.7.1 Service unavailable; Client host [203.0.113.9] blocked using rbl.example.net'],
    // A listing named by its DNS zone in a policy refusal (X.7.x).
    ['550 5.7.1 Mail refused, your sender is listed at zen.example.org.'],
    ['554 5.7.1 Rejected: is listed in b.example.net (see lookup page)'],
  ])('takes %j for a blocklist listing, also at connection time in a final bounce', (line) => {
    expect(classifier.classifyLine(line).label).toBe('SpamBlock');
    expect(finalLabel(line)).toBe('SpamBlock');
  });

  it.each<[string, string]>([
    // A real TCP refusal names no listing: unreachable now, expired in a final bounce.
    ['451 4.4.1 Connection refused by mx.example.net', 'NoAnswerFromHost'],
    ['connect to mx.example.net[203.0.113.9]:25: Connection refused', 'NoAnswerFromHost'],
    // "not listed" is not a listing.
    [
      '554 5.7.1 Connection refused: 203.0.113.9 is not listed at bl.example.org',
      'NoAnswerFromHost',
    ],
    ['550 5.1.1 user is not listed in example.org', 'InvalidRecipient'],
    // A zone-like name in a reply that is not a policy refusal, and a time of day.
    ['550 The item is listed in calendar.example.com for today', 'Uncategorized'],
    ['550 Job queued at 10:30:00 listed in batch', 'Uncategorized'],
  ])('keeps %j as %s', (line, expected) => {
    expect(classifier.classifyLine(line).label).toBe(expected);
  });

  it('reads a TCP refusal in a final bounce as an expiry, as before', () => {
    expect(finalLabel('451 4.4.1 Connection refused by mx.example.net')).toBe('MessageExpired');
  });
});

describe("Zimbra's quota error code and amavisd-new's virus category, against their neighbours", () => {
  const classifier = compileClassifier(shipped);

  it.each<[string, string]>([
    // Zimbra's ServiceException code, as its LMTP delivery quotes it.
    ['550 permission denied. Command output: mail.QUOTA_EXCEEDED (LMTP)', 'QuotaIssues'],
    ['452 4.2.2 delivery failed: mail.QUOTA_EXCEEDED', 'QuotaIssues'],
    ['552 5.2.2 mailbox quota exceeded', 'QuotaIssues'],
    // amavisd-new's category after "id=<id> -", old and new names.
    ['554 5.7.0 Reject, id=04321-07 - VIRUS: Example.Worm.B', 'VirusRelated'],
    ['554 5.7.0 Reject, id=04321-07 - INFECTED: Example.Worm.B', 'VirusRelated'],
    // Nearest replies of other labels: another Zimbra code, a sending quota, the other
    // amavisd-new categories (BANNED is a banned part type or file name, h71), a scanner
    // that is only unavailable.
    ['550 permission denied. Command output: mail.NO_SUCH_MBOX (LMTP)', 'BadConfiguration'],
    ['554 5.7.1 SENDING_QUOTA_EXCEEDED', 'PolicyRelated'],
    [
      '554 5.7.0 Reject, id=04321-07 - BANNED: P=p003,M=application/x-msdownload',
      'ProhibitedAttachment',
    ],
    ['451 4.3.0 Anti-Virus: scanner unavailable', 'TransientFailure'],
  ])('takes %j as %s', (line, expected) => {
    expect(classifier.classifyLine(line).label).toBe(expected);
  });
});

describe('a host or domain named between "host" and "not found", against its neighbours', () => {
  const classifier = compileClassifier(shipped);

  it.each<[string, string]>([
    // MailFoundry's and sendmail-era reasons: the name between the words, the sentence ending.
    ['Host nonexistent.example not found', 'BadDomain'],
    ['550 Host nohost.example not found (in reply to RCPT TO)', 'BadDomain'],
    ['550 Domain example.net unknown.', 'BadDomain'],
    ['554 host mail.example.org was not found', 'BadDomain'],
    // Nearest replies of other labels: a DNS failure for now, an unknown user after a
    // host name, the sender's domain, an address-list miss, an IP address.
    ['451 4.4.0 host mx.example.org not found, try again', 'TransientFailure'],
    ['550 5.1.1 user unknown; host mx.example.org unknown user', 'InvalidRecipient'],
    ['550 Sender domain example.com not found', 'InvalidSender'],
    ['550 host 192.0.2.1 not found in the access list', 'Uncategorized'],
  ])('takes %j as %s', (line, expected) => {
    expect(classifier.classifyLine(line).label).toBe(expected);
  });
});

describe("MessageLabs' relay refusal naming its server, against its neighbours", () => {
  const classifier = compileClassifier(shipped);

  it.each<[string, string]>([
    [
      '553-you are trying to use me [server-4.tower-111.messagelabs.com] as a relay, but I have not been configured to let you do this.',
      'RelayDenied',
    ],
    ['553 you are trying to use me as a relay', 'RelayDenied'],
    // Two sentences: no relay refusal.
    ['553 you are trying to use me. Please use a relay.', 'Uncategorized'],
  ])('takes %j as %s', (line, expected) => {
    expect(classifier.classifyLine(line).label).toBe(expected);
  });
});

describe("amavisd-new's contents categories after the id, against their neighbours", () => {
  const classifier = compileClassifier(shipped);

  it.each<[string, string]>([
    ['554 5.7.0 Reject, id=20025-09 - SPAM', 'SpamContent'],
    ['554 5.7.0 Reject, id=4711-13 -  spam', 'SpamContent'],
    ['554 5.7.0 Reject, id=31337-01 - BAD-HEADER', 'ContentRelated'],
    ['554 5.7.0 Reject, id=11111-02 - INFECTED: Eicar-Test-Signature', 'VirusRelated'],
    // BANNED names a banned attachment (h71); not amavisd-new's category: "spam"
    // elsewhere, an id without the category dash.
    ['554 5.7.0 Reject, id=20025-09 - BANNED: .exe', 'ProhibitedAttachment'],
    ['550 5.7.1 Message rejected: anti-spam policy, id=4 - see https://example.org', 'SpamRelated'],
    ['550 5.7.1 id=abc123 delivered, spamtrap hit reported', 'PolicyRelated'],
  ])('takes %j as %s', (line, expected) => {
    expect(classifier.classifyLine(line).label).toBe(expected);
  });
});

describe('legacy gateways\' "receiver", a named queue period and a mailbox over its limit, against their neighbours', () => {
  const classifier = compileClassifier(shipped);

  it.each<[string, string]>([
    ['Receiver not found: wes@example.org', 'InvalidRecipient'],
    ['550 receiver was not found in the directory', 'InvalidRecipient'],
    [
      'Your message was not delivered because the destination computer was not reachable within the allowed queue period.',
      'MessageExpired',
    ],
    ['451 message not delivered within the permitted delivery period', 'MessageExpired'],
    ["550 The recipient's mailbox is over its storage limit.", 'QuotaIssues'],
    ['452 4.2.2 mailbox over capacity', 'QuotaIssues'],
    // Nearest wordings of other labels: the receiving host missing, a size within limits.
    ['550 receiver host nohost.example not found', 'BadDomain'],
    ['552 message size exceeds the allowed maximum', 'QuotaIssues'],
    ['550 account is over its sending limit', 'TransientFailure'],
  ])('takes %j as %s', (line, expected) => {
    expect(classifier.classifyLine(line).label).toBe(expected);
  });
});

// Families added for the variants of the many-times-sampled formats (fixtures/variants):
// wordings written here, and the nearest replies of other labels that must keep theirs.
describe('refusals of this message, AOL codes, illegal host/domain names, unanswered connections and queue periods, against their neighbours', () => {
  const classifier = compileClassifier(shipped);

  it.each<[string, string]>([
    // The receiver refuses this message by its decision (AOL's 521 5.2.1 and others).
    ['521 5.2.1 :  Example Mail will not accept delivery of this message.', 'PolicyRelated'],
    ['554 We will not accept your message', 'PolicyRelated'],
    ["550 The receiving server won't accept the email", 'PolicyRelated'],
    ['554 5.7.1 Our system shall not accept this mail', 'PolicyRelated'],
    // A mailbox or domain that takes no mail at all keeps its label.
    ['550 5.2.1 Mailbox disabled, not accepting messages', 'InactiveMailbox'],
    ['550 5.2.1 This mailbox will not accept mail', 'InactiveMailbox'],
    ['552 5.2.2 The recipient mailbox is full and cannot accept messages now', 'QuotaIssues'],
    ['556 5.1.10 Domain does not accept mail', 'BadDomain'],
    ['451 4.3.0 Server could not accept the message, try later', 'TransientFailure'],
    // AOL's documented codes name the sending IP.
    ['554 5.7.1 :(RLY:B1) https://postmaster.aol.com/error-codes#554rlyb1', 'SpamBlock'],
    ['421 4.7.0 :(DYN:T2) https://postmaster.aol.com/error-codes#421dynt2', 'SpamBlock'],
    ['554 5.7.1 (RTR:BL) https://postmaster.aol.com/error-codes#554rtrbl', 'SpamBlock'],
    ['550 5.7.1 (DNS:NR) no reverse DNS for 192.0.2.9', 'SpamBlock'],
    // Not the codes: an unknown user at AOL, a code inside another word.
    ['550 5.1.1 <x@aol.example>: Recipient address rejected: aol.example', 'InvalidRecipient'],
    ['550 5.1.1 user xHVU:B1 unknown', 'InvalidRecipient'],
    // Messaging Server's "Illegal host/domain name found" and its kin.
    ['550 5.0.0 Illegal host/domain name found', 'BadDomain'],
    ['553 5.1.2 Invalid host/domain name', 'BadDomain'],
    ['550 invalid domain name specified', 'BadDomain'],
    // About our sender's domain, or about an address: not the recipient's domain.
    ['553 5.1.8 Sender address rejected: Illegal host/domain name found', 'InvalidSender'],
    ['550 5.1.1 Illegal address found', 'InvalidRecipient'],
    // Gmail's classic "did not accept our requests to connect", at the time of a delay.
    ['451 The recipient server did not accept our requests to connect.', 'NoAnswerFromHost'],
    ['451 The remote server did not accept our attempts to connect', 'NoAnswerFromHost'],
    ['550 The recipient server did not accept our message', 'Uncategorized'],
    // Not reached within the period the sender's MTA allows (Netscape Messaging Server).
    [
      '550 Your message was not delivered because the destination computer was not reachable within the allowed queue period.',
      'MessageExpired',
    ],
    ['550 mail could not be delivered within the configured retry period', 'MessageExpired'],
    // A host "not reachable" with no period is no answer; a size limit is no period.
    ['550 Host mx.example.org not reachable', 'NoAnswerFromHost'],
    ['550 the destination server is not reachable', 'NoAnswerFromHost'],
    ['550 message not delivered within allowed size limits', 'Uncategorized'],
    ['550 5.1.1 user not reachable at this address', 'InvalidRecipient'],
  ])('takes %j as %s', (line, expected) => {
    expect(classifier.classifyLine(line).label).toBe(expected);
  });

  it('takes an unanswered connection in a final bounce for an expiry, as any unreachable host', () => {
    const line = '451 The recipient server did not accept our requests to connect.';
    expect(classifier.classifyLine(line, { action: 'failed' }).label).toBe('MessageExpired');
    expect(classifier.classifyLine(line, { action: 'delayed' }).label).toBe('NoAnswerFromHost');
  });
});

// Kinds from fixtures/field-kinds-3 (a recipient address that changed hands, the
// receiving organisation's queue limit): wordings written here, and the nearest
// replies of other labels that must keep theirs.
describe('an address that changed hands, a receiving organisation over its queue limit and a jailed IP, against their neighbours', () => {
  const classifier = compileClassifier(shipped);

  it.each<[string, string]>([
    // RFC 7293: the mailbox is not the one the sender knew.
    ['550 5.7.17 Mailbox owner has changed', 'InvalidRecipient'],
    ['550 mailbox ownership has changed since the date you gave', 'InvalidRecipient'],
    ['550 The recipient address is no longer valid', 'InvalidRecipient'],
    ['554 <lee@example.org> is no longer valid', 'InvalidRecipient'],
    [
      '554 delivery error: dd lee@example.org is no longer valid. [-20] - mta9.example.net',
      'InvalidRecipient',
    ],
    // The same words about our own sender, a domain that changed hands, a session.
    ['550 5.7.1 Sender address is no longer valid for this service', 'InvalidSender'],
    ['553 The envelope sender domain has become no longer valid here', 'InvalidSender'],
    ['551 4.7.18 domain owner has changed', 'BadDomain'],
    ['421 Your session is no longer valid, please reconnect', 'TransientFailure'],
    // The receiving organisation's (tenant's, domain's) queue over its limit: retry.
    ['450 4.7.3 Organization queue quota exceeded.', 'TransientFailure'],
    ['451 4.3.1 Tenant queue limit reached, try again', 'TransientFailure'],
    ['451 delivery queue full for example.org, retry', 'TransientFailure'],
    // A mailbox quota and a sending quota keep their labels; an authentication X.7.3
    // without the queue words keeps the code's.
    ['452 4.2.2 Mailbox quota exceeded', 'QuotaIssues'],
    ['550 5.7.3 Security conversion required but not possible', 'AuthenticationFailed'],
    // The sending IP locked up ("ip in prison", a jail, a penalty box): a block of the
    // client. A person "in jail" and a quarantined message are not.
    ['550 ip in prison', 'SpamBlock'],
    ['554 Your IP 198.51.100.4 has been put in the penalty box', 'SpamBlock'],
    ['550 client host jailed for 1 hour', 'SpamBlock'],
    ['550 user is in jail', 'Uncategorized'],
    ['550 message placed in quarantine', 'Uncategorized'],
  ])('takes %j as %s', (line, expected) => {
    expect(classifier.classifyLine(line).label).toBe(expected);
  });
});

// Reply texts from standards and stock software, most without an enhanced code
// (bench/data/blind-replies-standards.tsv): wordings written here, and the nearest
// replies of other labels that must keep theirs.
describe('standards and stock software reply texts, against their neighbours', () => {
  const classifier = compileClassifier(shipped);

  it.each<[string, string]>([
    // RFC 5321 §3.1 / §4.2.3: a host that takes no mail at all, bare or named.
    ['554 no SMTP service here.', 'BadDomain'],
    ['554 5.3.2 smtp.example.net No SMTP service', 'BadDomain'],
    ['Remote host said: 554 No SMTP service available', 'BadDomain'],
    ['550 5.3.2 Destination system is not accepting network messages', 'BadDomain'],
    // Said of the client, or with a policy code, it refuses the sender; a 4xx X.3.2 is
    // a host busy for now; RFC 7505's null MX keeps its rule.
    ['554 No SMTP service here for your network', 'PolicyRelated'],
    ['554 5.7.1 No SMTP service here', 'PolicyRelated'],
    ['421 4.3.2 System not accepting network messages', 'TransientFailure'],
    ['556 5.1.10 MX or SRV record indicated no SMTP service', 'BadDomain'],
    // RFC 5321 §4.2.2 554 "Transaction failed" with no reason: the receiving system.
    ['554 Transaction failed.', 'BadConfiguration'],
    ['554 5.0.0 transaction failed', 'BadConfiguration'],
    ['554 Transaction failed: message rejected by policy', 'PolicyRelated'],
    ['451 Transaction failed', 'TransientFailure'],
    // RFC 5321 §3.4 551 "User not local" shortened, under its own code only.
    ['551 5.1.6 user is not local.', 'InactiveMailbox'],
    ['551 User not local', 'InactiveMailbox'],
    ['550 user not local', 'Uncategorized'],
    ['551 5.7.1 User not local, relay denied', 'RelayDenied'],
    // RFC 8689 REQUIRETLS and RFC 3463 X.7.4 / X.7.5 as text.
    ['550 5.7.30 Message requires REQUIRETLS, next hop lacks it', 'AuthenticationFailed'],
    ['554 REQUIRETLS not supported by mx.example.net', 'AuthenticationFailed'],
    ['554 security features not supported', 'AuthenticationFailed'],
    ['554 Cryptographic failure', 'AuthenticationFailed'],
    // Scanner verdicts: clamd's "<signature> FOUND", the scanner named, a threat carried.
    ['554 5.7.1 /var/spool/scan/msg.eml: Win.Trojan.Generic-9876 FOUND', 'VirusRelated'],
    ['550 clamd: Eicar-Signature FOUND (rejected)', 'VirusRelated'],
    ['550 5.7.0 The virus scanner detected Doc.Dropper.Agent in an attachment', 'VirusRelated'],
    ['554 anti-virus engine reported: Mal/EncPk-APV', 'VirusRelated'],
    ['550 this message contains a threat and was not delivered', 'VirusRelated'],
    // Capitals that are not a verdict, "infected" said of the sending host, a name.
    ['550 5.1.1 USER NOT FOUND', 'InvalidRecipient'],
    ['550 MAILBOX NOT FOUND', 'InvalidRecipient'],
    ['550 5.1.1 infected@example.org: user unknown', 'InvalidRecipient'],
    ['554 5.7.1 Your host 192.0.2.9 is infected with malware-sending bots, see CBL', 'SpamBlock'],
    ['550 Advanced Threat Protection: sender not permitted', 'PolicyRelated'],
    // A URI blocklist hit in the body; a listing of the sending IP stays a block.
    ['550 5.7.1 Message rejected: spam link detected', 'SpamContent'],
    ['554 Rejected: URL blacklist match', 'SpamContent'],
    ['550 5.7.1 black-listed site within the message', 'SpamContent'],
    ['554 Your e-mail contains links listed on multi.surbl.org', 'SpamContent'],
    [
      '554 5.7.1 Service unavailable; Client host [192.0.2.8] blocked using dbl.example.org',
      'SpamBlock',
    ],
    ['550 5.7.1 Your IP address is blacklisted', 'SpamBlock'],
    // 8-bit data without 8BITMIME (RFC 6152), and RFC 3463 X.6.x as text.
    ['554 5.6.1 8bit message body sent without BODY=8BITMIME', 'ContentRelated'],
    ['550 Server requires 8BITMIME for 8-bit content', 'ContentRelated'],
    ['554 5.6.1 Media type not supported', 'ContentRelated'],
    ['554 Conversion required but not supported', 'ContentRelated'],
    ['554 5.6.5 conversion failed', 'ContentRelated'],
    // Security conversion is authentication's, and spam content keeps its label.
    ['550 5.7.3 Security conversion required but not possible', 'AuthenticationFailed'],
    ['550 5.7.1 Message content rejected as spam', 'SpamContent'],
  ])('takes %j as %s', (line, expected) => {
    expect(classifier.classifyLine(line).label).toBe(expected);
  });

  it('takes "No SMTP service here" at the greeting as a host that takes no mail, and a bare 554 there as a refusal of the sender', () => {
    expect(classifier.classifyLine('554 No SMTP service here', { command: 'CONNECT' }).label).toBe(
      'BadDomain',
    );
    expect(classifier.classifyLine('554 Transaction failed', { command: 'CONNECT' }).label).toBe(
      'PolicyRelated',
    );
    expect(classifier.classifyLine('550 5.1.1 user unknown', { command: 'CONNECT' }).label).toBe(
      'PolicyRelated',
    );
  });
});
