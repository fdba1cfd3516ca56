// The "field kinds 10 (h121)" family of rules/phrases.toml: a mailbox or account that
// its provider archived (La Poste's "Boite du destinataire archivee. Archived
// recipient."), found with fixtures/field-kinds-10. Loaded as the bundled config loads
// the shipped rules. The family is tested with wordings written here and with the
// nearest phrases of other labels that must NOT get its label: a message or a copy
// archived, an archive attachment, a full mailbox.
import { describeFamilies } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  'a mailbox or account archived by its provider': [
    ['550 5.1.1 Recipient mailbox archived, mail is no longer delivered', 'InactiveMailbox'],
    ['550 This account has been archived by the administrator', 'InactiveMailbox'],
    ['550 5.1.1 <a@example.net>: archived account', 'InactiveMailbox'],
    ['550 5.1.1 La boîte aux lettres du destinataire a été archivée', 'InactiveMailbox'],
    ['550 5.1.1 Compte archivé', 'InactiveMailbox'],
    ['550 5.1.1 Cuenta archivada, no admite correo', 'InactiveMailbox'],
    ['550 5.1.1 Casella di posta archiviata', 'InactiveMailbox'],
    ['550 5.1.1 Postfach archiviert', 'InactiveMailbox'],
    // Nearest: a message or a copy archived (the words of the reply decide), an archive
    // attachment refused, a full mailbox whose message is kept.
    ['452 4.2.2 Mailbox full, message archived for later delivery attempts', 'QuotaIssues'],
    ['550 5.1.1 User unknown; a copy of the message was archived', 'InvalidRecipient'],
    ['554 5.7.1 Message archived and quarantined as spam', 'SpamContent'],
    ['550 5.7.1 Archive attachments (.zip) are not accepted', 'ProhibitedAttachment'],
    ['550 5.2.2 Boîte du destinataire pleine, message archivé', 'QuotaIssues'],
  ],
};

describeFamilies(FAMILIES);
