// The "h151" families of rules/phrases.toml, found with bench/data/blind-replies-13.tsv
// (replies whose words sit between two neighbouring labels): a scanner's verdict but not
// after "no" (a clean scan before another refusal), malware an attachment "holds", an
// extension blocked by the attachment policy and archives that cannot be scanned, a
// mailbox or account that has used all its storage and a message larger than a
// per-message limit, the domain of the address called unknown, junk-mail characteristics
// and blacklisted web addresses in the body, real-time blackhole lists, an SPF record that
// does not list the server, a queue lifetime reached, a recipient receiving mail faster
// than it is delivered and a 4xx retry in minutes, a recipient limit with its number, a
// refused TCP connection, and a mailing list or recipient that refuses the post. Loaded as
// the bundled config loads the shipped rules. Wordings written here, with the nearest
// phrases of the neighbour labels that must NOT get the family's label.
import { describeFamilies, describeNearest } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  'a scanner verdict, but not after "no"': [
    ['554 Scan result: trojan detected in invoice.doc', 'VirusRelated'],
    ['550 (Malware found) message dropped', 'VirusRelated'],
    // Nearest: a clean scan before another refusal is the other refusal's label.
    ['550 No malware was detected, but the message breaks our policy', 'PolicyRelated'],
    ['554 Content rejected as spam: no virus found', 'SpamContent'],
  ],
  'malware that an attachment or archive holds': [
    ['550 The attached archive hides a trojan', 'VirusRelated'],
    ['554 5.7.0 Your file harbours ransomware and was dropped', 'VirusRelated'],
    // Nearest: a host's malware in the nearest phrases below.
  ],
  'an extension blocked by the attachment policy, archives that cannot be scanned': [
    ['550 .vbs attachments are not allowed on this server', 'ProhibitedAttachment'],
    ['554 Rejected by the attachment filtering policy', 'ProhibitedAttachment'],
    ['550 Password-protected zip files are refused here', 'ProhibitedAttachment'],
    ['554 5.7.1 Attachments that cannot be scanned are dropped', 'ProhibitedAttachment'],
    // Nearest: a size limit worded around attachments, and malware in an archive.
    ['552 Attachments over 10 MB exceed the message size limit', 'QuotaIssues'],
    ['554 5.7.1 The encrypted archive contains a worm', 'VirusRelated'],
  ],
  'a mailbox or account that has used all its storage, a message larger than a limit': [
    ['Your mailbox has used all of its storage; delete mail to send again', 'QuotaIssues'],
    ['452 The user has used up the quota of the account', 'QuotaIssues'],
    ['552 Your e-mail is bigger than the maximum size limit here', 'QuotaIssues'],
    ['552 Messages larger than our configured limit are refused', 'QuotaIssues'],
    // Nearest: a sending rate of the same account, a count of messages.
    ['451 4.7.1 The account has used its hourly sending rate, wait', 'TransientFailure'],
    ['450 Per-sender message limit reached for today', 'TransientFailure'],
  ],
  'the domain of the address called unknown': [
    ['550 The domain of your recipient address is not known here', 'BadDomain'],
    ['550 Destination domain unknown', 'BadDomain'],
    // Nearest: the sender's domain, and an unknown user at a known domain.
    ['553 The domain of the sender address is unknown', 'InvalidSender'],
    ['550 Address unknown at this domain', 'InvalidRecipient'],
  ],
  'junk-mail characteristics and blacklisted web addresses in the body': [
    ['554 Refused: the text shows strong spam traits', 'SpamContent'],
    ['550 Junk-mail indicators found, not delivered (no rate limit applies)', 'SpamContent'],
    ['554 Your newsletter links to a block-listed web address', 'SpamContent'],
    // Nearest: the sending IP on a list, and a rate limit.
    ['554 5.7.1 The sending IP 192.0.2.6 is blocklisted', 'SpamBlock'],
    ['451 4.7.1 Rate limited: too many messages, slow down', 'TransientFailure'],
  ],
  'a real-time blackhole list': [
    ['550 Rejected: your relay appears in a realtime blackhole list', 'SpamBlock'],
    ['554 Refused - 192.0.2.7 is on the black hole list of example.net', 'SpamBlock'],
  ],
  'an SPF record that does not list the server': [
    ['550 The SPF record of example.com doesn’t include 192.0.2.8', 'AuthenticationFailed'],
    ['550 5.7.1 SPF record for the domain did not authorize this host', 'AuthenticationFailed'],
    // Nearest: the sender's domain has no DNS at all.
    ['553 5.1.8 The sender domain has no DNS records, mail refused', 'InvalidSender'],
  ],
  'a queue lifetime reached': [
    ['Queue lifetime reached for kim@example.org; returning the message', 'MessageExpired'],
    ['The maximal_queue_lifetime has been reached', 'MessageExpired'],
  ],
  'a recipient receiving mail faster than delivered, a 4xx retry in minutes': [
    ['450 The mailbox is receiving messages too fast; send later', 'TransientFailure'],
    ['451 Please come back in 10 minutes, first contact from your server', 'TransientFailure'],
    ['450 4.7.1 Deferred, try again in a few minutes', 'TransientFailure'],
    // Nearest: a full mailbox that is not receiving mail.
    ['452 4.2.2 The mailbox is full and not receiving mail', 'QuotaIssues'],
  ],
  'a recipient limit with its number': [
    ['452 4.5.3 Recipient limit of 100 reached', 'TooManyRecipients'],
    ['452 Rcpt limit of 20 per session was exceeded', 'TooManyRecipients'],
    // Nearest: a rate of messages is not a count of recipients.
    ['450 Message limit of 100 per hour reached', 'TransientFailure'],
  ],
  'a refused TCP connection': [
    ['The host mx.example.org actively refused our connection', 'NoAnswerFromHost'],
    ['Server kept refusing SMTP connections on port 25', 'NoAnswerFromHost'],
    // Nearest: the refusal was for a block list.
    ['554 We refused the connection: 192.0.2.9 is blacklisted', 'SpamBlock'],
  ],
  'a mailing list or a recipient that refuses the post': [
    ['550 The list moderator has rejected your post', 'PolicyRelated'],
    ['553 Posting to the list is closed to non-subscribers', 'PolicyRelated'],
    ['550 Sender is not subscribed to the mailing list dev@example.org', 'PolicyRelated'],
    ['550 The user declines messages from you', 'PolicyRelated'],
    // Nearest: a list address or a user that does not exist.
    ['550 5.1.1 Mailing list nobody@example.org is unknown', 'InvalidRecipient'],
    ['550 5.1.1 User does not exist, it cannot accept mail from you', 'InvalidRecipient'],
  ],
};

describeFamilies(FAMILIES);

// Nearest phrases whose own label is not settled here: they must not get the family's.
describeNearest([
  ['552 Attachments bigger than 25 MB are refused', 'ProhibitedAttachment'],
  ['Delivery keeps retrying until the queue lifetime is reached', 'MessageExpired'],
  ['550 5.7.1 Your message was not held back: permanent rejection', 'TransientFailure'],
  ['550 Do not resend in 5 minutes, the refusal is permanent', 'TransientFailure'],
  ['554 5.7.1 The host 192.0.2.5 holds malware-sending bots', 'VirusRelated'],
  ['550 The sender mailbox is larger than usual', 'QuotaIssues'],
  ['This message is not from a mailing list you are subscribed to', 'PolicyRelated'],
]);
