// The h138 family of rules/phrases.toml, from field-kinds-13: "Encryption Needed" is the
// IANA registry's sample text for X.7.10 (associated basic code 523), so a reply that
// says it without the enhanced code (chatmail's "523 Encryption Needed: Invalid
// Unencrypted Mail", c01:5) is the same refusal as one that carries 5.7.10.
// Loaded as the bundled config loads the shipped rules. Wordings written here, with the
// nearest phrases of other labels that must NOT get its label.
import { describeFamilies } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  'encryption said to be needed, the X.7.10 sample text': [
    ['523 Encryption Needed', 'AuthenticationFailed'],
    ['554 Encryption is needed for this recipient', 'AuthenticationFailed'],
    ['451 encryption needed, try again over STARTTLS', 'AuthenticationFailed'],
    // Nearest: encrypted content refused by policy, an encrypted attachment, and
    // "needed" said of a mailbox, of space and of maintenance.
    ['550 5.7.1 Message must be encrypted', 'PolicyRelated'],
    ['550 5.7.1 Encrypted attachments are not allowed', 'ProhibitedAttachment'],
    ['550 5.1.1 Needed mailbox not found', 'InvalidRecipient'],
    ['552 5.2.2 Mailbox full, more space is needed', 'QuotaIssues'],
    ['421 4.3.2 Service not available, maintenance needed', 'TransientFailure'],
  ],
};

describeFamilies(FAMILIES);
