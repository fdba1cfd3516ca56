// The h166 family of rules/phrases.toml, from field-kinds-16: spam named together with a
// virus or malware as what the message's content is (c01:3) is a verdict on the
// message's content. Loaded as the bundled config loads the shipped rules. Wordings
// written here, with the nearest phrases of other labels that must NOT get the family's
// label.
import { describeFamilies } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  'spam named with a virus as the content of the message': [
    ['552 Message rejected for spam or virus content', 'SpamContent'],
    ['550 Message refused: spam and malware content', 'SpamContent'],
    ['550 5.7.1 Message contains spam or phishing content', 'SpamContent'],
    ['554 Not delivered: spam/malicious content in this mail', 'SpamContent'],
    ['552 Your mail was dropped as spam & virus messages are not accepted', 'SpamContent'],
    // Nearest: a virus verdict alone, a product name, a list of hosts sending spam, and a
    // rejection that only says spam.
    ['554 5.7.0 Virus found in message content', 'VirusRelated'],
    ['554 Rejected: Spam & Virus Firewall policy', 'SpamRelated'],
    ['554 Blocked: host listed for sending spam or viruses', 'PolicyRelated'],
    ['550 Message rejected for spam', 'SpamRelated'],
  ],
};

describeFamilies(FAMILIES);
