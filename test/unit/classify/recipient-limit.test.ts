// A "recipient limit" in a reply: per transaction (RFC 5321 §4.5.3.1.8/§4.5.3.1.10,
// RFC 3463 X.5.3: TooManyRecipients) unless the reply names a time span or asks to try
// later, which makes it a sending rate (TransientFailure). Wordings written here; each
// side is the other's must-not-match.
import { describeFamilies } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  'a recipient limit with no time named is the per-message limit': [
    ['452 Recipient limit exceeded: too many recipients for this message', 'TooManyRecipients'],
    ['452 4.5.3 Recipient limit reached', 'TooManyRecipients'],
    ['452 Maximum number of recipients exceeded', 'TooManyRecipients'],
    ['452 RCPT limit hit, send the rest in a new transaction', 'TooManyRecipients'],
  ],
  'a recipient limit over a time span is a sending rate': [
    ['550 Daily recipient limit exceeded for this sender', 'TransientFailure'],
    ['550 5.4.5 Recipient limit per hour exceeded', 'TransientFailure'],
    ['451 4.7.1 Recipient limit reached, try again later', 'TransientFailure'],
    ['550 Message rejected: sender exceeded 24-hour recipient limit', 'TransientFailure'],
    ['550 5.7.1 Recipient rate limit exceeded', 'TransientFailure'],
    ['421 Too many recipients this hour', 'TransientFailure'],
  ],
};

describeFamilies(FAMILIES);
