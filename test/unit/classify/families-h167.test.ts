// The "h167" families of rules/phrases.toml, found with bench/data/blind-replies-14.tsv
// (fresh English replies written without reading the rules): a kind of file (archives,
// executables, macros) refused before it is called an attachment, the recipient's account
// locked or frozen by its provider, a message said larger than what the server takes, a
// message said to look like junk or spam, mail from the sending network refused, Sendmail's
// "mail loops back to me", and a group only its members may send to. Loaded as the bundled
// config loads the shipped rules. Wordings written here, with the nearest phrases of the
// neighbour labels that must NOT get the family's label.
import { describeFamilies, describeNearest } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  'a kind of file refused before it is called an attachment': [
    ['554 Sorry, we cannot accept password-protected archives', 'ProhibitedAttachment'],
    ['550 This server will not deliver executable files', 'ProhibitedAttachment'],
    ["550 We don't permit macro-enabled documents from outside", 'ProhibitedAttachment'],
  ],
  "the recipient's account locked or frozen by its provider": [
    ['550 Account frozen by the provider, not accepting mail', 'InactiveMailbox'],
    ['554 This e-mail account was locked for security reasons', 'InactiveMailbox'],
    ["550 The user's account has been locked by its owner", 'InactiveMailbox'],
  ],
  'a message said larger than what the server takes': [
    ['552 The email you are sending is bigger than our servers permit', 'QuotaIssues'],
    ['552 sorry, your letter was much larger than we can take', 'QuotaIssues'],
  ],
  'a message said to look like junk or spam': [
    ['550 Refused: this email seems like spam', 'SpamContent'],
    ['554 Not delivered, content appears to be unsolicited mail', 'SpamContent'],
    ['550 message looking like bulk e-mail was dropped', 'SpamContent'],
  ],
  'mail from the sending network refused': [
    ['554 Connections from your subnet are refused', 'SpamBlock'],
    ['550 Messages coming from this mail server are not welcome here', 'SpamBlock'],
  ],
  'the mail would loop back to the sending host': [
    ['554 5.3.5 relay.example.net loops back to myself (check MX)', 'RoutingErrors'],
    ['451 message loops back to this host, MX misconfigured', 'RoutingErrors'],
  ],
  'a group only its members or approved senders may send to': [
    ['550 Posting to this distribution list is restricted to its members', 'PolicyRelated'],
    ['550 5.7.1 This team alias is limited to approved senders', 'PolicyRelated'],
  ],
};

/** [reply, a label it must NOT get]: the nearest phrases of the neighbour labels. */
const NEAREST: Array<[string, string]> = [
  // A size named with attachments is a size limit, not a file type.
  ["552 We don't accept attachments larger than 10 MB", 'ProhibitedAttachment'],
  // Refusing mail from the sender's domain is no file type.
  ['550 We do not accept mail from your domain', 'ProhibitedAttachment'],
  // Locked at SMTP AUTH is the sender's own login.
  ['535 5.7.8 The account is locked by administrator', 'InactiveMailbox'],
  // A sending rate greater than allowed is no message size.
  ['450 The message rate is greater than allowed', 'QuotaIssues'],
  // A junk-mail filter that is down gives no verdict on this message.
  ['451 Junk mail filter temporarily unavailable', 'SpamContent'],
  // The sender's domain refused is not a network block.
  ['550 Mail from your domain is not accepted here', 'SpamBlock'],
  // A group that does not exist is an unknown recipient, not a posting policy.
  ['550 5.1.1 The group does not exist', 'PolicyRelated'],
];

describeFamilies(FAMILIES);
describeNearest(NEAREST);
