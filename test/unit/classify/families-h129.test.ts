// The h129 families of rules/phrases.toml, from field-kinds-12: a header field named and
// then said missing or invalid (QQ Mail's 'The "From" header is missing or invalid',
// c01:8 and p04) is the message's format (ContentRelated); a group or list that does not
// take posts from this sender or by mail (Google Groups' "does not allow posting through
// email", c01:4) is the list's policy (PolicyRelated), not a bad address.
// Loaded as the bundled config loads the shipped rules. Wordings written here, with the
// nearest phrases of other labels that must NOT get its label.
import { describeFamilies } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  'a header field said missing or invalid after its name': [
    ['550 The Date header is missing or malformed', 'ContentRelated'],
    ['554 Message refused: Message-ID header field was empty', 'ContentRelated'],
    ['550 5.6.0 the From header is absent, see RFC 5322', 'ContentRelated'],
    ['550 Sender header not present in message', 'ContentRelated'],
    // Nearest: an authentication header, a missing mailbox, a size limit, and a domain
    // missing from DNS.
    [
      '550 5.7.1 Email rejected: DKIM-Signature header is missing or invalid',
      'AuthenticationFailed',
    ],
    ['550 5.1.1 <a@example.com>: mailbox is missing', 'InvalidRecipient'],
    ['552 5.3.4 Message size exceeds fixed limit', 'QuotaIssues'],
    ['550 5.1.2 Domain is missing from DNS', 'BadDomain'],
  ],
  'a group or list that does not take posts from this sender or by mail': [
    [
      '550 The group help@groups.example.org does not allow posting through email.',
      'PolicyRelated',
    ],
    ['550 5.7.1 This list does not accept posts from non-members', 'PolicyRelated'],
    ['550 Posting by email is disabled for this forum', 'PolicyRelated'],
    ["554 The list won't permit you to post", 'PolicyRelated'],
    // Nearest: relaying, a mailbox that accepts no mail, a group that does not exist, and
    // a full mailbox.
    ['550 5.7.1 Relaying not allowed', 'RelayDenied'],
    ['550 5.2.1 This mailbox does not accept mail any more', 'InactiveMailbox'],
    ['550 5.1.1 The group announce@groups.example.org does not exist', 'InvalidRecipient'],
    ['552 5.2.2 Mailbox full, posting to it is not possible', 'QuotaIssues'],
  ],
};

describeFamilies(FAMILIES);
