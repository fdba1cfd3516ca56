// The h145 family of rules/phrases.toml, from field-kinds-14: a message that needs
// SMTPUTF8 (RFC 6531) refused because the next hop does not offer the extension, said
// without an enhanced code (Postfix "SMTPUTF8 is required, but was not offered by
// host", c01:2; qmail's SMTPUTF8 patch "server does not support unicode in email
// addresses", c01:4), is the refusal the registry files under X.6.7, which oobd labels
// ProtocolErrors. Loaded as the bundled config loads the shipped rules. Wordings written
// here, with the nearest phrases of other labels that must NOT get its label.
import { describeFamilies } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  'SMTPUTF8 needed and not offered by the next hop': [
    ['554 SMTPUTF8 was required but the remote host did not offer it', 'ProtocolErrors'],
    ['550 relay.example.net does not advertise SMTPUTF8; cannot send', 'ProtocolErrors'],
    ['554 the receiving server cannot accept UTF-8 in envelope addresses', 'ProtocolErrors'],
    ["550 Peer doesn't support internationalized email addresses", 'ProtocolErrors'],
    ['553 Non-ASCII addresses are not allowed for this recipient', 'ProtocolErrors'],
    // Nearest: a mailbox that does not exist, a header with a disallowed character,
    // TLS the host does not offer, and a size the host does not accept.
    ['550 5.1.1 The unicode address you wrote does not exist', 'InvalidRecipient'],
    ['550 5.7.1 The message contains a unicode character in a disallowed header', 'ContentRelated'],
    ['421 4.7.0 Remote host does not support STARTTLS', 'AuthenticationFailed'],
    ['552 5.3.4 Host does not accept messages of that size', 'QuotaIssues'],
  ],
};

describeFamilies(FAMILIES);
