// The "documented error lists (h81)" blocks of rules/providers.toml: La Poste's LPN codes,
// a sender's account barred from sending (Mail.ru), content held for being suspect
// (Barracuda), a spoofed message refused (Barracuda), a recipients-per-hour rate (Cisco
// AsyncOS) and Exchange's "sender was not authenticated by organization" restriction.
// Loaded as the bundled config loads the shipped rules. Every family is tested with
// wordings written here and with the nearest phrases of other labels that must NOT get
// its label: a disabled recipient mailbox, the message judged as spam, a virus, an SPF
// or client authentication failure, recipients per message, and a rate limit.
import { describeFamilies } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  "La Poste's LPN codes": [
    ['550 5.1.1 Destinataire inconnu. Unknown recipient. LPN007_416', 'InvalidRecipient'],
    ['554 5.7.1 Message refuse pour son contenu. Refused. LPN007_510', 'SpamContent'],
    ['550 5.7.1 Refus selon la politique DMARC du domaine. LPN007_517', 'AuthenticationFailed'],
    [
      '450 4.7.1 Client host rejected: service refuse, essayez plus tard. LPN027_503',
      'TransientFailure',
    ],
    ['450 4.1.8 <noreply@shop.example>: Emetteur invalide. LPN007_405', 'InvalidSender'],
    // Nearest: another provider's code of the same shape, an unrelated number.
    ['550 5.2.0 Mail rejete. OFR_506 [506]', 'SpamContent'],
    ['550 5.7.1 Refused, ticket LPN999_999', 'PolicyRelated'],
  ],
  "the sender's own account barred from sending": [
    ['550 message sending for this account is disabled', 'SpamBlock'],
    ['550 Sending from your mailbox has been temporarily blocked', 'SpamBlock'],
    ['554 Mail sending by this user is suspended, reset the password', 'SpamBlock'],
    ['550 Account is locked for outgoing mail', 'SpamBlock'],
    ['550 5.7.1 Your mailbox has been disabled for sending', 'SpamBlock'],
    // Nearest: the recipient's mailbox disabled or suspended (InactiveMailbox).
    ['550 5.2.1 The email account that you tried to reach is disabled', 'InactiveMailbox'],
    ['550 This account has been suspended', 'InactiveMailbox'],
    ['550 Recipient mailbox is disabled', 'InactiveMailbox'],
  ],
  'content held or refused for being suspect': [
    ['420 Message delayed due to suspicious content', 'SpamContent'],
    ['451 4.7.1 Held because of suspect message content, try later', 'SpamContent'],
    ['554 Rejected due to questionable content', 'SpamContent'],
    // Nearest: a virus found, an attachment type refused, spam judged by a filter.
    ['554 5.7.1 Message rejected: virus found in attachment', 'VirusRelated'],
    ['552 5.7.0 Message contains a prohibited attachment type (.exe)', 'ProhibitedAttachment'],
  ],
  'a spoofed or forged message refused': [
    ['550 Rejecting forged mail from a protected domain', 'AuthenticationFailed'],
    ['554 5.7.1 Spoofed message rejected', 'AuthenticationFailed'],
    ['550 Refused the spoofed sender', 'AuthenticationFailed'],
    // Nearest: a phishing verdict of a scanner (VirusRelated), an SPF failure, a
    // sender address refused by policy.
    ['554 5.7.0 Infected: Heuristics.Phishing.Email.SpoofedDomain', 'VirusRelated'],
    ['550 5.7.23 SPF validation failed for the sending domain', 'AuthenticationFailed'],
    ['554 5.7.1 <x@sender.example>: Sender address rejected: Access denied', 'InvalidSender'],
  ],
  'recipients or messages per hour from the sending host': [
    ['452 Too many recipients received this hour', 'TransientFailure'],
    ['421 Too many messages sent per hour from your host, slow down', 'TransientFailure'],
    ['452 4.7.1 Too many mails accepted in the last minute', 'TransientFailure'],
    // Nearest: too many recipients in one message or transaction (TooManyRecipients).
    ['452 4.5.3 Too many recipients', 'TooManyRecipients'],
    ['452 Too many recipients for this message', 'TooManyRecipients'],
    // (h89) Recipients per message is a count, per hour a rate.
    ['550 5.5.3 Too many recipients per message', 'TooManyRecipients'],
    ['452 4.5.3 Too many recipients per hour, try later', 'TransientFailure'],
  ],
  "Exchange's internal-senders-only restriction": [
    ['550 5.7.12 Sender was not authenticated by organization', 'PolicyRelated'],
    ['550 5.7.12 The sender was not authenticated by the organisation', 'PolicyRelated'],
    // Nearest: client authentication required or failed (AuthenticationFailed).
    [
      '530 5.7.57 Client was not authenticated to send anonymous mail during MAIL FROM',
      'AuthenticationFailed',
    ],
    ['535 5.7.8 Authentication credentials invalid', 'AuthenticationFailed'],
  ],
};

describeFamilies(FAMILIES);
