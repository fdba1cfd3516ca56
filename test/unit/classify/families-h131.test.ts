// The "h131" families of rules/phrases.toml, found with bench/data/blind-replies-12.tsv
// (the default reply texts of MTAs, filters and hosting panels): a scanner's signature
// name between the verb and "malware", qmail's rcpthosts refusal naming the domain, the
// BSD spelling of EDQUOT and a mailbox over a quota named by its store or that has
// reached it, MX hosts without an address, a filter that "detected" the message as spam
// and the GTUBE string, a retry period or queue lifetime that ran out and days
// undelivered in the queue, Exchange's Sender Filter agent, and a delivery program or
// store that failed (Exim's forbidden pipe, Sendmail's sysexits texts, Exchange's
// Storage*Exception). Loaded as the bundled config loads the shipped rules. Wordings
// written here, with the nearest phrases of other labels that must NOT get its label.
import { describeFamilies, describeNearest } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  "a scanner's signature name before the noun": [
    [
      '554 5.7.1 The file contains the Trojan.Downloader-88 malware and was refused',
      'VirusRelated',
    ],
    ['550 Your e-mail carries Win.Worm.Mydoom-2 worm, rejected', 'VirusRelated'],
    ['550 5.7.1 Attachment includes a JS/Nemucod.gen trojan', 'VirusRelated'],
    // Nearest: a host that carries malware is a block list's text.
    ['554 5.7.1 Client host 192.0.2.9 carries spam-sending malware (CBL)', 'SpamBlock'],
  ],
  "qmail's rcpthosts refusal naming the domain": [
    ['553 sorry, mail.example.org is not in my list of allowed rcpthosts (#5.7.1)', 'RelayDenied'],
    ['553 sorry, example.net is not in my list of allowed rcpthosts', 'RelayDenied'],
  ],
  'a mailbox over a quota named by its store, or that has reached it': [
    ['maildir: bob: Disc quota exceeded', 'QuotaIssues'],
    ['452 4.2.2 user anna is over her IMAP quota', 'QuotaIssues'],
    ['552 5.2.2 mailbox for kim is over the maildir++ quota', 'QuotaIssues'],
    ['552 5.2.2 The inbox has reached its storage limit', 'QuotaIssues'],
    ['550 5.2.2 Delivery refused: prohibit receive quota of the recipient', 'QuotaIssues'],
    // Nearest: the sender's own sending or rate quota.
    ['451 4.7.1 Account has reached its sending quota for today', 'TransientFailure'],
    ['452 4.7.1 The account is over its sending quota', 'TransientFailure'],
    ['450 4.7.1 Mailbox has reached its hourly rate limit, try later', 'TransientFailure'],
  ],
  'MX hosts without an address': [
    ['host address lookup failed permanently for mx2.example.org', 'BadDomain'],
    ['550 None of the mail exchangers for example.org resolves', 'BadDomain'],
    ['MX hosts for example.net do not resolve to any address', 'BadDomain'],
  ],
  'a filter that detected the message as spam, and the GTUBE string': [
    ['The content filter detected this e-mail as junk', 'SpamContent'],
    ['550 5.7.1 Message refused: GTUBE test string found', 'SpamContent'],
    // Nearest: a sending IP detected as a spam source is about the host, not the message.
    ['550 5.7.1 Sender IP 192.0.2.8 detected as spam source', 'SpamRelated'],
  ],
  'a retry period or queue lifetime that ran out, days undelivered in the queue': [
    ['The retry window for kim@example.org has run out', 'MessageExpired'],
    ['Retry interval had expired before the host came back', 'MessageExpired'],
    ['Message exceeded the maximal_queue_lifetime of 5 days', 'MessageExpired'],
    ['The queue lifetime was exceeded for this message', 'MessageExpired'],
    ['Message remained undelivered in the delivery queue for 3 days', 'MessageExpired'],
    // Nearest: a greylisting retry period that has not expired yet.
    ['451 4.7.1 Greylisted, retry period of 300 seconds has not expired yet', 'TransientFailure'],
  ],
  "Exchange's Sender Filter agent": [
    ['554 5.1.0 Sender denied, rejected by sender filter rules', 'InvalidSender'],
    ['550 5.7.1 Rejected by the Sender Filter agent: domain on blocked list', 'InvalidSender'],
    // Nearest: the recipient's own filter, and a spam filter.
    ["550 5.7.1 Message blocked by the recipient's filter", 'PolicyRelated'],
    ['550 5.7.1 Blocked by the spam filter', 'SpamRelated'],
  ],
  'a delivery program or mailbox store that failed': [
    ['delivery to file forbidden', 'BadConfiguration'],
    ['Delivery to a pipe is not permitted for this alias', 'BadConfiguration'],
    ["550 5.0.0 <bob@example.org>... Can't create output", 'BadConfiguration'],
    ['554 5.3.5 <ann@example.org>... System file missing', 'BadConfiguration'],
    [
      '554 5.2.0 STOREDRV.Deliver.Exception:StorageTransientException; store is busy',
      'BadConfiguration',
    ],
    // Nearest: the same words without Sendmail's "<address>... " lead, and a quota
    // named in the same store exception.
    [
      '554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using bl.example.org',
      'SpamBlock',
    ],
    ['421 4.3.0 mx.example.org Service unavailable - please try later', 'TransientFailure'],
    [
      '554 5.2.0 STOREDRV.Deliver.Exception:StoragePermanentException.MapiExceptionShutoffQuotaExceeded; mailbox full',
      'QuotaIssues',
    ],
  ],
};

describeFamilies(FAMILIES);

// Nearest phrases whose own label is not settled here: they must not get the family's.
describeNearest([
  ['550 5.7.1 Message contains a link to anti-malware software', 'VirusRelated'],
  ['553 sorry, that sender is not in my list of allowed senders (#5.7.1)', 'RelayDenied'],
  ['None of the MX hosts for example.org accepted the connection', 'BadDomain'],
  ['554 5.7.1 The string GTUBEX is not allowed', 'SpamContent'],
  ['Delivery will be retried until the queue lifetime of 5 days is reached', 'MessageExpired'],
  ['Message still undelivered after 4 hours in the queue; will keep trying', 'MessageExpired'],
  ['550 5.7.1 Delivery to this recipient is forbidden', 'BadConfiguration'],
]);
