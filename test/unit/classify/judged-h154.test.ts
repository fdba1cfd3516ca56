// Two readings h154 decided where open sets disagreed (bench/data headers of blind-replies,
// -3, -9, -10): a rate limit the receiver sets from the sender's reputation is a
// reputation refusal (SpamBlock), not a plain rate limit (TransientFailure); and RFC 3463
// X.1.3 "bad destination mailbox address syntax" is a bad recipient (InvalidRecipient),
// as KumoMTA's classifier example has it, not a protocol error.
// Loaded as the bundled config loads the shipped rules. Wordings written here, with the
// nearest phrases of other labels that must NOT get the label.
import { describeFamilies } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  "a rate limit set by the sender's reputation": [
    ['451 4.7.0 Your server is being throttled because of its IP reputation', 'SpamBlock'],
    ['421 4.7.1 Deferred: sending rate restricted due to poor sender reputation', 'SpamBlock'],
    ['450 4.7.1 Connection rate capped based on your IP reputation, retry later', 'SpamBlock'],
    // Nearest: a rate limit that names no reputation is a temporary failure.
    ['451 4.7.1 Rate limit exceeded for this client, slow down', 'TransientFailure'],
    ['421 4.7.0 Too many connections from your host, try again later', 'TransientFailure'],
  ],
  'a recipient address whose syntax is wrong (X.1.3)': [
    ['553 5.1.3 Recipient address is not in a valid form', 'InvalidRecipient'],
    ['501 5.1.3 <ana..b@example.org>: malformed destination address', 'InvalidRecipient'],
    // Nearest: a malformed command (X.5.2) and a malformed sender address (X.1.7).
    ['501 5.5.2 Syntax error in parameters scanning "TO"', 'ProtocolErrors'],
    ['553 5.1.7 Sender address syntax is not valid', 'InvalidSender'],
  ],
};

describeFamilies(FAMILIES);
