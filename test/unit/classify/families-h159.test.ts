// The "h159" families of rules/phrases.toml, found with bench/data/blind-messages-24
// (legacy bounce formats, 1995-2007): a queue give-up said with the period first
// (MMDF's "After 12 days ..., your message could not be fully delivered"), recipients
// "not accepting mail from" the sender (AOL's Mail Controls notice), and X.400's
// unknown-name diagnostics as gateways print them. Loaded as the bundled config loads the
// shipped rules. Wordings written here, with the nearest phrases of the neighbour labels
// that must NOT get the family's label.
import { describeFamilies, describeNearest } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  'a period of hours or days, then the message not delivered': [
    ['550 After 9 days (216 hours), your message could not be fully delivered.', 'MessageExpired'],
    ['After 3 days the mail was not delivered to its destination', 'MessageExpired'],
    ['550 after more than 72 hours it could not be sent', 'MessageExpired'],
    // Nearest: a warning that still retries, and one connection timing out.
    ['After 4 hours, your note has not yet been delivered; we keep trying', 'Uncategorized'],
  ],
  'recipients not accepting mail from the sender': [
    ['They are not accepting mail from news@shop.example', 'PolicyRelated'],
    ['550 The addressee is currently not accepting e-mails from your address', 'PolicyRelated'],
    // Nearest: a disabled mailbox accepts no mail from anyone.
    ['550 5.2.1 Mailbox disabled, not accepting messages', 'InactiveMailbox'],
    ['550 Account closed; user is not accepting any mail', 'InactiveMailbox'],
  ],
  "X.400's unknown or ambiguous O/R name": [
    ['Unable to transfer: unrecognised-ORName', 'InvalidRecipient'],
    ['550 Unrecognized O/R name /S=Ross/O=Firm/', 'InvalidRecipient'],
    ['Ambiguous O/R name for the recipient', 'InvalidRecipient'],
    ['Unrecognised originator/recipient address', 'InvalidRecipient'],
    // Nearest: an SMTP command the server did not know is a protocol error.
    ['500 5.5.1 Unrecognized command', 'ProtocolErrors'],
  ],
};

describeFamilies(FAMILIES);

// Nearest phrases whose own label is not settled here: they must not get the family's.
describeNearest([
  ['451 4.4.1 Connection timed out after 30 seconds, could not be delivered yet', 'MessageExpired'],
  ['550 Unrecognised originator address in MAIL FROM', 'InvalidRecipient'],
  ['421 The server is not accepting mail from your network right now', 'PolicyRelated'],
]);
