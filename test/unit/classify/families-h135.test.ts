// The h135 families of rules/phrases.toml: Sendmail's broken address-rewriting rules
// (BadConfiguration: a ruleset that recurses, loops, or calls a ruleset or map that is
// not there) and a message address the receiving side's parser cannot read, in the
// words of JavaMail's address parser as Amazon SES returns them (ProtocolErrors); and the
// h135 widening of BadDomain's "does not accept mail for <domain>" to "receive"; a sender
// with no reputation yet (SpamBlock).
// Loaded as the bundled config loads the shipped rules. Wordings written here, with the
// nearest phrases of other labels that must NOT get its label.
import { describeFamilies } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  "Sendmail's rewriting rules are broken": [
    ['554 5.3.0 rewrite: excessive recursion (max 25), ruleset Parse1', 'BadConfiguration'],
    ['554 5.3.5 Infinite loop in ruleset check_mail, rule 7', 'BadConfiguration'],
    ['554 5.3.5 Unknown ruleset Local_check_relay', 'BadConfiguration'],
    ['554 5.3.0 rewrite: map mailertable not found', 'BadConfiguration'],
    ['554 5.3.5 rewrite: ruleset final: replacement $2 out of bounds', 'BadConfiguration'],
    // Nearest: a mail loop of the route, and a ruleset that refused the address.
    ['554 5.4.6 Too many hops (26 max), mail loop detected', 'RoutingErrors'],
    [
      '553 5.1.3 <kim@example.org>... rejected by ruleset check_rcpt: user unknown',
      'InvalidRecipient',
    ],
  ],
  "an address JavaMail's parser cannot read": [
    ['554 Transaction failed: Local address contains control or whitespace', 'ProtocolErrors'],
    ['554 Transaction failed: Domain contains illegal character', 'ProtocolErrors'],
    ["554 Transaction failed: Missing final '@domain'", 'ProtocolErrors'],
    ['554 Transaction failed: Quoted local address contains newline or CR', 'ProtocolErrors'],
    // Nearest: the same words under the code for a bad destination address, a mailbox
    // that does not exist, and a malformed header that is no address.
    ['553 5.1.3 Domain contains illegal character', 'InvalidRecipient'],
    ['550 5.1.1 Local address unknown here', 'InvalidRecipient'],
    ["554 Transaction failed: Duplicate header 'From'", 'ContentRelated'],
  ],
  'a host or domain that does not receive mail for a domain (RFC 7504 556)': [
    ['554 5.7.1 This server does not receive mail for example.com', 'BadDomain'],
    ['550 mx.example.net does not receive e-mail', 'BadDomain'],
    ["550 5.7.1 We don't receive mail for [example.org].", 'BadDomain'],
    // Nearest: a mailbox that does not receive mail, a network refused, an account off.
    ['550 5.1.1 <ana@example.org>: mailbox does not receive mail', 'InvalidRecipient'],
    ['550 5.7.1 We do not receive mail from your network', 'PolicyRelated'],
  ],
  'a sender with no reputation yet': [
    ['421 4.7.0 Deferred: new sending IP 192.0.2.4 without reputation, retry later', 'SpamBlock'],
    ['451 Mail from this IP is limited until it has built up a good reputation', 'SpamBlock'],
    ['421 4.7.0 The domain has no sending history here; try again later', 'SpamBlock'],
    ['451 4.7.1 IP reputation has not yet been established', 'SpamBlock'],
    // Nearest: a rate limit without reputation, a bare deferral, a policy text that
    // names reputation as a value, not the sender's.
    ['421 4.7.0 Too many connections from your host, slow down', 'TransientFailure'],
    ['451 4.7.0 Temporarily deferred, please try again later', 'TransientFailure'],
    ['550 5.7.1 Message refused to protect our reputation', 'PolicyRelated'],
  ],
};

describeFamilies(FAMILIES);
