// The "h94" families of rules/phrases.toml and the "documented error lists (h94)" blocks
// of rules/providers.toml, found with bench/data/blind-replies-9.tsv: a scanner's verdict
// on "malicious <object>" said noun first, a spam verdict with "it" for the message, a
// mailbox "marked as inactive", relaying refused to a destination of several words or
// for want of relay rights, a From address not verified on a sending platform's account,
// a sending account's credits used up, a message that has too many recipients whatever
// its help pointer says about sending limits, and a 501 on the syntax of a HELO argument.
// Loaded as the bundled config loads the shipped rules. Every family is tested with
// wordings written here and with the nearest phrases of other labels that must NOT get
// its label.
import { describeFamilies } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  'a malicious object found by a scanner, said noun first': [
    ['550 5.7.0 Malicious code found in the attached document', 'VirusRelated'],
    ['554 Rejected: malicious attachment identified by the scanner', 'VirusRelated'],
    ['550 Malicious executable detected inside the archive', 'VirusRelated'],
    // Nearest: a malicious link (a phishing verdict, SpamContent) and a blocklist's text
    // about the sending host's activity (not a verdict on this message).
    ['550 5.7.1 Malicious link detected in message body', 'SpamContent'],
    ['554 5.7.1 Your IP is known for malicious activity detected by our sensors', 'PolicyRelated'],
  ],
  'a spam verdict with a pronoun for the message': [
    ['554 5.7.1 Mail blocked, our filter classified it as spam', 'SpamContent'],
    ['550 Message rejected because the scanner flagged it as junk', 'SpamContent'],
    // Nearest: the sending IP called a spam source (SpamRelated, not the message).
    ['550 5.7.1 Sender IP classified as a spam source', 'SpamRelated'],
  ],
  'a mailbox marked or flagged as inactive': [
    ['550 5.7.1 Recipient mailbox has been marked as inactive', 'InactiveMailbox'],
    ['550 The recipient account was flagged as disabled by the administrator', 'InactiveMailbox'],
    // Nearest: an address flagged as invalid (InvalidRecipient), a message marked as spam.
    ['550 5.1.1 Recipient address flagged as invalid', 'InvalidRecipient'],
    ['550 5.7.1 Message has been marked as spam', 'SpamContent'],
  ],
  'relaying refused to a destination of several words, or without relay rights': [
    ['554 5.7.1 Relaying for remote recipients is not permitted', 'RelayDenied'],
    ['550 5.7.1 Relay to other domains is refused', 'RelayDenied'],
    ['550 No relaying rights for your host', 'RelayDenied'],
    // Nearest: mail for local recipients refused (a policy, not relaying) and a reply
    // that names relay rights but says the mailbox is full.
    ['550 5.7.1 Mail for local recipients is refused from this host', 'PolicyRelated'],
    ['550 5.7.1 Relaying rights are fine, but the recipient mailbox is full', 'QuotaIssues'],
  ],
  'a From address not verified on the sending account': [
    ['550 5.7.1 The sender identity is not verified on this account', 'InvalidSender'],
    ['550 From address does not match any verified sender address', 'InvalidSender'],
    ['553 5.7.1 Unverified sending domain example.com', 'InvalidSender'],
    // Nearest: a DKIM signature not verified (AuthenticationFailed), a recipient address
    // not verified (its X.1.1), a recipient's own allow-list (PolicyRelated).
    ['550 5.7.20 DKIM signature not verified', 'AuthenticationFailed'],
    ['550 5.1.1 Recipient address not verified', 'InvalidRecipient'],
    ['550 5.7.1 Sender not in the verified list of the recipient', 'PolicyRelated'],
  ],
  "a sending account's credits used up": [
    ['451 4.7.1 Account sending credits exhausted, purchase more to continue', 'QuotaIssues'],
    ['550 You have used up your email credits for this month', 'QuotaIssues'],
    // Nearest: bad credentials (AuthenticationFailed).
    ['535 5.7.8 Authentication failed: bad credentials', 'AuthenticationFailed'],
  ],
  'a message that has too many recipients': [
    [
      '452 4.5.3 Your message has too many recipients. See our sending limits at https://help.example/limits',
      'TooManyRecipients',
    ],
    ['452 4.5.3 This email contains more than 100 recipients', 'TooManyRecipients'],
    ['550 5.5.3 Your message had too many recipients', 'TooManyRecipients'],
    // Nearest: recipients per hour and a daily sending limit (rates, TransientFailure).
    ['452 4.5.3 Too many recipients received this hour', 'TransientFailure'],
    ['450 4.7.1 Daily sending limit exceeded, try again tomorrow', 'TransientFailure'],
  ],
  'a 501 on the syntax of the HELO or EHLO argument': [
    ['501 5.5.4 Bad HELO domain syntax', 'ProtocolErrors'],
    ['501 Malformed EHLO hostname syntax', 'ProtocolErrors'],
    // Nearest: HELO checks of the client's identity (AuthenticationFailed).
    [
      '504 5.5.2 <box>: Helo command rejected: need fully-qualified hostname',
      'AuthenticationFailed',
    ],
    ['550 5.7.1 Invalid HELO name, see RFC 2821 4.1.1.1', 'AuthenticationFailed'],
  ],
};

describeFamilies(FAMILIES);
