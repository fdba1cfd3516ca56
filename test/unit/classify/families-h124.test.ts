// The h124 widening of the h88 family of rules/phrases.toml that reads a refusal naming
// the check that failed: "prohibited", "forbidden" and "disallowed" by SPF, DKIM or
// DMARC (MailChannels' "[BFD] Sender prohibited by SPF", field-kinds-11 c01:9), and the
// check said as the sender's or the domain's ("due to the sender's SPF record").
// Loaded as the bundled config loads the shipped rules. Wordings written here, with the
// nearest phrases of other labels that must NOT get its label.
import { describeFamilies } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  'a refusal that names the failed SPF, DKIM or DMARC check': [
    ['550 5.7.1 Delivery prohibited by SPF record of example.org', 'AuthenticationFailed'],
    ['550 5.7.1 Mail forbidden by the sender domain\u2019s DMARC policy', 'AuthenticationFailed'],
    ["550 Message disallowed by the domain's DKIM check", 'AuthenticationFailed'],
    ["554 5.7.1 Refused because of the sender's SPF result", 'AuthenticationFailed'],
    // Nearest: the same verbs said of a policy, a relay or a reputation, and a report
    // mailbox whose name starts with the check's name.
    ['550 5.7.1 Sender prohibited by policy', 'PolicyRelated'],
    ['554 Relaying prohibited by administrator', 'RelayDenied'],
    ["550 Message rejected due to the sender's reputation", 'SpamBlock'],
    ['550 5.1.1 mailbox rejected by spf-reports mailbox: user unknown', 'InvalidRecipient'],
  ],
};

describeFamilies(FAMILIES);
