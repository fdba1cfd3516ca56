// The rules files oobd ships, loaded as the bundled config loads them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkRules, compileClassifier, type RulesSource } from '../../../src/classify/index';

const ROOT = join(__dirname, '../../..');

function source(file: string): RulesSource {
  return { file, text: readFileSync(join(ROOT, file), 'utf8') };
}

const iana = source('rules/iana.toml');
const bounces = source('rules/bounces.toml');

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
    // Codes that only name the subject, or report success or a detail of delivery.
    const unmapped = new Set(['X.0.0', 'X.1.0', 'X.1.5', 'X.1.9', 'X.2.0', 'X.3.6']);
    const missing = REGISTRY.filter(
      (code) =>
        !unmapped.has(code) &&
        classifier.classifyLine(`550 ${code.replace('X', '5')} x`).label === 'Uncategorized',
    );
    expect(missing).toEqual([]);
  });
});

describe('the shipped rules, bounces.toml before iana.toml', () => {
  const classifier = compileClassifier([bounces, iana]);

  it('compile without errors or duplicate warnings', () => {
    const check = checkRules([bounces, iana]);
    expect(check.errors).toEqual([]);
    expect(check.warnings).toEqual([]);
  });

  it.each([...ACCEPTANCE, ...SHORT])('still classify %j as %s', (line, label) => {
    expect(classifier.classifyLine(line).label).toBe(label);
  });

  // Replies in the wording of the major providers and MTAs.
  it.each<[string, string]>([
    [
      '550 5.1.1 <a@example.com>: Recipient address rejected: User unknown in local recipient table',
      'InvalidRecipient',
    ],
    [
      "550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 double-checking the recipient's email address",
      'InvalidRecipient',
    ],
    [
      '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
      'InvalidRecipient',
    ],
    ['550 5.4.1 Recipient address rejected: Access denied. AS(201806281)', 'InvalidRecipient'],
    [
      "554 delivery error: dd This user doesn't have a yahoo.com account (a@yahoo.com) [0]",
      'InvalidRecipient',
    ],
    ['550 Requested action not taken: mailbox unavailable', 'InvalidRecipient'],
    ['550 No such user - psmtp', 'InvalidRecipient'],
    ['553 5.3.0 <a@example.com>... No such user here', 'InvalidRecipient'],
    ['550 5.7.1 550 User Unknown: a@example.org', 'InvalidRecipient'],
    ['550 5.1.1 Sorry, no mailbox here by that name. (#5.1.1)', 'InvalidRecipient'],
    ['550-5.2.1 The email account that you tried to reach is disabled.', 'InactiveMailbox'],
    [
      '554 delivery error: dd Sorry your message to a@b cannot be delivered. This account has been disabled or discontinued [#102].',
      'InactiveMailbox',
    ],
    [
      '550 5.5.0 Le compte du destinataire est bloque. The recipient account is blocked.',
      'InactiveMailbox',
    ],
    ["552-5.2.2 The recipient's inbox is out of storage space and inactive.", 'QuotaIssues'],
    ['452 4.2.2 The email account that you tried to reach is over quota.', 'QuotaIssues'],
    ['550 5.2.2 STOREDRV.Deliver: mailbox full.', 'QuotaIssues'],
    ['552 Error: disk quota exceeded', 'QuotaIssues'],
    ['552 5.3.4 Message size exceeds fixed limit', 'QuotaIssues'],
    ['452 4.4.5 Insufficient disk space; try again later', 'QuotaIssues'],
    ['553 5.1.8 <a@b>... Domain of sender address a@b does not exist', 'InvalidSender'],
    ['550 5.1.7 No such domain neko.example.com.', 'InvalidSender'],
    ['450 4.1.8 <a@b>: Sender address rejected: Domain not found', 'InvalidSender'],
    ['450 4.1.2 <a@b>: Recipient address rejected: Domain not found', 'BadDomain'],
    [
      "550 DNS Error: 1 DNS type 'mx' lookup of a.example responded with code NOERROR The domain a.example doesn't receive email according to the administrator: returned Null MX",
      'BadDomain',
    ],
    ['550 5.1.2 <a@b>... Host unknown (Name server: b: host not found)', 'BadDomain'],
    [
      "550 DNS Error: 1 DNS type 'mx' lookup of b.example responded with code NXDOMAIN Domain name not found: b.example",
      'DNSFailure',
    ],
    [
      '451 4.4.3 Host or domain name not found. Name service error for name=b type=MX: Host not found, try again',
      'DNSFailure',
    ],
    [
      '550 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org',
      'SpamBlock',
    ],
    [
      '554 Service unavailable; Client host [192.0.2.1] blocked using Barracuda Reputation',
      'SpamBlock',
    ],
    ['550 5.7.606 Access denied, banned sending IP [192.0.2.1].', 'SpamBlock'],
    [
      "550 SC-001 (x) Unfortunately, messages from 192.0.2.1 weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3140).",
      'SpamBlock',
    ],
    [
      '421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints',
      'SpamBlock',
    ],
    [
      '550-5.7.1 likely suspicious due to the very low reputation of the sending IP address.',
      'SpamBlock',
    ],
    [
      '554 5.7.1 Blocked - see https://support.proofpoint.com/dnsbl-lookup.cgi?ip=192.0.2.1',
      'SpamBlock',
    ],
    [
      '550-5.7.1 Our system has detected that this message is likely unsolicited mail.',
      'SpamContent',
    ],
    ['550 5.7.1 Message content rejected, UBE, id=1', 'SpamContent'],
    [
      '550 spam message rejected. Please visit http://help.mail.ru/notspam-support/id',
      'SpamContent',
    ],
    ['554 5.7.1 [2] Message rejected under suspicion of SPAM', 'SpamContent'],
    [
      '554 5.6.0 This message has been scored as spam with a probability of more than 90%',
      'SpamContent',
    ],
    [
      "550-5.7.26 Unauthenticated email from example.jp is not accepted due to domain's DMARC policy.",
      'AuthenticationFailed',
    ],
    [
      '550 5.7.509 Access denied, sending domain [EXAMPLE.JP] does not pass DMARC verification',
      'AuthenticationFailed',
    ],
    [
      '550 5.7.1 Connections not accepted from servers without a valid sender domain. Fix reverse DNS for 192.0.2.2',
      'AuthenticationFailed',
    ],
    [
      '450 4.7.1 Client host rejected: cannot find your hostname, [192.0.2.1]',
      'AuthenticationFailed',
    ],
    ['530 5.7.0 Must issue a STARTTLS command first', 'AuthenticationFailed'],
    ['550 Bad SPF records for [example.org:192.0.2.2]', 'AuthenticationFailed'],
    ['554 5.7.1 <a@b>: Relay access denied', 'RelayDenied'],
    ['550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain', 'RelayDenied'],
    ['550 5.7.1 Relaying denied. Proper authentication required.', 'RelayDenied'],
    ['550 5.7.0 Recipient address rejected: Virus detected', 'VirusRelated'],
    [
      '552 5.7.0 message was blocked by our Spam & Virus Firewall: Message content rejected, UBE',
      'SpamContent',
    ],
    ['552 5.7.0 Attachment file type not allowed: .exe', 'ProhibitedAttachment'],
    ['550 retry timeout exceeded', 'MessageExpired'],
    ['550 mailbox is full: retry timeout exceeded', 'QuotaIssues'],
    [
      '451 4.4.7 Unable to deliver message, due to being unable to connect successfully to the destination mail server',
      'MessageExpired',
    ],
    [
      '550 4.4.1 The recipient server did not accept our requests to connect. [b.example 192.0.2.1: timed out]',
      'MessageExpired',
    ],
    [
      '451 4.4.2 lost connection with mx.example[192.0.2.1] while performing the HELO handshake',
      'BadConnection',
    ],
    ['451 4.4.1 connect to mx.example[192.0.2.1]:25: Connection timed out', 'BadConnection'],
    ['554 5.4.6 Too many hops', 'RoutingErrors'],
    ['550 5.4.6 mail for example.com loops back to myself', 'RoutingErrors'],
    ['451 4.7.1 Greylisted, please try again in 300 seconds', 'TransientFailure'],
    ['550 Ip frequency limited [x Blocked IP 192.0.2.1]', 'TransientFailure'],
    ['421 4.7.0 Too many connections from your IP', 'TransientFailure'],
    ['421 4.2.0 Service refused, please try later.', 'TransientFailure'],
    ['550 5.1.1 <a@b> - 192.0.2.1 has sent to too many recipients this hour.', 'TransientFailure'],
    ['552 Too many recipients', 'TooManyRecipients'],
    ['552 5.6.0 Headers too large (3 max)', 'ContentRelated'],
    ["554 Transaction failed: Duplicate header 'DKIM-Signature'.", 'ContentRelated'],
    [
      '550-5.7.1 Messages with multiple addresses in From: header are not accepted.',
      'ContentRelated',
    ],
    ['500 5.5.2 Syntax error, command unrecognized', 'ProtocolErrors'],
    ['554 5.7.9 Message not accepted for policy reasons.', 'PolicyRelated'],
    ['554 Mail from a@example.net rejected for policy reasons.', 'PolicyRelated'],
    ['550 Denied by policy', 'PolicyRelated'],
    ['550 5.7.1 Access denied', 'PolicyRelated'],
    ['550 Rejected', 'PolicyRelated'],
    ['550 5.4.5 Daily user sending quota exceeded.', 'TransientFailure'],
    ['550 5.2.2 STOREDRV.Submit; submission quota exceeded', 'TransientFailure'],
    ['552 Quota exceeded', 'QuotaIssues'],
    ['554 INVALID IP FOR SENDING MAIL OF DOMAIN example.com', 'AuthenticationFailed'],
    ['550 Unable to deliver message after multiple retries, giving up.', 'MessageExpired'],
    ['553 mx.example.com does not exist', 'BadDomain'],
    ['550 a@mx.example.com does not exist', 'InvalidRecipient'],
    ["553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)", 'RelayDenied'],
    [
      '554 resimta comcast 192.0.2.1 Comcast block for spam. Please see http://postmaster.comcast.net',
      'SpamBlock',
    ],
    [
      '550 5.4.1 Recipient address rejected: Access denied. For more information see https://aka.ms/EXOSmtpErrors',
      'InvalidRecipient',
    ],
    ['552 <a@example.fr> rejected: over quota', 'QuotaIssues'],
    ['426 connection timed out', 'BadConnection'],
    ['554 Your IP address 192.0.2.1 has been blocked', 'SpamBlock'],
    ['550 5.7.1 This host does not accept mail from dynamic IPs', 'SpamBlock'],
    ['550 domain example.com does not accept mail', 'BadDomain'],
  ])('classify %j as %s', (line, label) => {
    expect(classifier.classifyLine(line).label).toBe(label);
  });

  it('lets a vague word give way to a specific enhanced code', () => {
    // "rejected" alone says less than X.1.1 does.
    expect(classifier.classifyLine('550 5.1.1 Address rejected a@b').label).toBe(
      'InvalidRecipient',
    );
    expect(classifier.classifyLine('550 5.1.1 Address rejected a@b').rule?.file).toBe(
      'rules/iana.toml',
    );
    expect(classifier.classifyLine('550 5.7.1 mailbox unavailable').label).toBe('PolicyRelated');
  });

  it('does not take a scanner or a sender that is "infected" for a virus in the message', () => {
    expect(
      classifier.classifyLine('554 Rejected: the IP is infected with a spam-sending trojan').label,
    ).not.toBe('VirusRelated');
    expect(classifier.classifyLine('451 4.3.0 antivirus scanner unavailable').label).not.toBe(
      'VirusRelated',
    );
  });
});
