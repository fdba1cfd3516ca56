// The h118 change to rules/phrases.toml's InvalidSender: a receiving server that finds
// no usable DNS MX (or A/AAAA) record for the envelope sender's domain and says so
// without the word "sender" (GMX / WEB.DE "invalid DNS MX or A/AAAA resource record",
// field-kinds-9 c01:9 and p17, from https://github.com/LukeSmithxyz/emailwiz/issues/82).
// The record at fault is the sender's: the server was reached, so the recipient's
// domain resolved. Wordings are our own; the nearest replies of other labels stay.
import { describeFamilies } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  "a refusal citing a missing or invalid DNS MX record is about the sender's domain": [
    [
      '550-Requested action not taken: mailbox unavailable 550 invalid DNS MX or A/AAAA resource record',
      'InvalidSender',
    ],
    ['550 invalid DNS MX resource record', 'InvalidSender'],
    ['550 Mail refused: no valid DNS MX or A record', 'InvalidSender'],
    ['554 5.7.1 Rejected, missing DNS MX records', 'InvalidSender'],
    // Nearest: the recipient's domain without mail exchangers, said by the sending MTA.
    ['550 5.1.2 Domain nx.example has no mail exchangers and no address record', 'BadDomain'],
    [
      '550 5.1.2 Host or domain name not found. Name service error for name=nx.example type=MX: Host not found',
      'BadDomain',
    ],
    // Nearest: the connecting host's PTR record, and 550's standard text alone.
    ['554-No SMTP service 554-Bad DNS PTR resource record.', 'AuthenticationFailed'],
    ['550 Requested action not taken: mailbox unavailable', 'InvalidRecipient'],
  ],
};

describeFamilies(FAMILIES);
