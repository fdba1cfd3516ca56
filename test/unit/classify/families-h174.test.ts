// The h174 families of rules/phrases.toml, from bench/data/blind-messages-26 (legacy
// bounce formats, round 2): the destination's mail server or system said not to exist in
// the words of groupware NDRs (Exchange 2000/2003 #5.4.0, Exchange 5.5 IMS); a full mailbox
// said as what its owner must delete; "no longer takes mail"; a user named by a quoted
// directory name ("LAST, FIRST") that is not known. Loaded as the bundled config loads the
// shipped rules. Wordings written here, with the nearest phrases of other labels that must
// NOT get the family's label.
import { describeFamilies } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  "the destination's server or system not found in DNS, or unknown": [
    [
      '550 5.4.0 The destination server for this recipient could not be found in Domain Name Service (DNS).',
      'BadDomain',
    ],
    ['550 Recipient mail host was not found in DNS', 'BadDomain'],
    ["550 The recipient's domain cannot be located in the Domain Name System", 'BadDomain'],
    ["The recipient's destination e-mail system is unknown or invalid.", 'BadDomain'],
    ['550 Destination mail system is not known here', 'BadDomain'],
    // Nearest: a client host or our sender's domain not in DNS, and an unknown mailbox.
    ['550 5.1.8 Sender domain not found in DNS', 'InvalidSender'],
    ['550 5.1.1 Destination mailbox address is invalid', 'InvalidRecipient'],
    ['550 5.1.1 The recipient could not be found in the directory', 'InvalidRecipient'],
  ],
  'a full mailbox said as what its owner must delete': [
    ['The recipient must delete old messages before new mail can be accepted.', 'QuotaIssues'],
    ['550 The user needs to clear some mail to make room for new messages', 'QuotaIssues'],
    ['552 The account holder has to empty their inbox before more mail can arrive', 'QuotaIssues'],
    // Nearest: a footer asking the reader to delete this notice, and a deleted account.
    ['550 Please delete this message before forwarding it to anyone', 'Uncategorized'],
    ['550 5.1.1 The user has been deleted from this server', 'InactiveMailbox'],
  ],
  'a mailbox that no longer takes mail': [
    [
      '554 delivery error: this account has been retired and no longer takes mail',
      'InactiveMailbox',
    ],
    ['550 Mailbox no longer taking messages', 'InactiveMailbox'],
    // Nearest: a receiver that takes no more mail from this sender is a policy.
    ['550 We no longer take mail from your server', 'Uncategorized'],
  ],
  'a user named by a quoted directory name that is not known': [
    ['Recipient "MARTINEZ, CARLA" is not known at post office HQ-PO1.', 'InvalidRecipient'],
    ['550 User "Ng Wei" unknown', 'InvalidRecipient'],
    // Nearest: a quoted sender that is not known, and a quoted domain that is unknown, are
    // no unknown recipient (no rule claims these wordings).
    ['553 Sender "ADAMS, JO" is not known here', 'Uncategorized'],
    ['550 Domain "corp.example" unknown', 'Uncategorized'],
  ],
};

describeFamilies(FAMILIES);
