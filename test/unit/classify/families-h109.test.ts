// The h109 change to rules/phrases.toml's BadDomain: a bare dotted name that "does not
// exist" is a domain only where a domain stands (opening the reply's text, in brackets
// or quotes, after a word that names a domain or host). After a mailbox word the dotted
// name is a local part ("Mailbox first.last does not exist"): an unknown user, not a
// domain (field-kinds-8 p01, from https://github.com/jstedfast/MimeKit/issues/855).
import { describeFamilies } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  'a dotted local part after a mailbox word that does not exist is an unknown user': [
    ['550 5.1.1 Mailbox maria.lopez does not exist', 'InvalidRecipient'],
    ['550 User first.last does not exist', 'InvalidRecipient'],
    ["550 5.1.1 The account k.tanaka doesn't exist", 'InvalidRecipient'],
    ['550 5.1.1 Recipient ops.team does not exist here', 'InvalidRecipient'],
    ['550 5.1.1 <a.b@example.net>: mailbox a.b does not exist', 'InvalidRecipient'],
    // Nearest: the dotted name where a domain stands stays a domain that does not exist.
    ['550 5.1.2 typo.example does not exist', 'BadDomain'],
    ['550 <mx.typo.example> does not exist', 'BadDomain'],
    ['550 Host mx.typo.example does not exist', 'BadDomain'],
    ['550 Requested action not taken: typo.example does not exist', 'BadDomain'],
    ["550 'typo.example' does not exist", 'BadDomain'],
    ['550 5.1.2 Domain typo.example does not exist', 'BadDomain'],
  ],
};

describeFamilies(FAMILIES);
