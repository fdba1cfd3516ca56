// The "h88" families of rules/phrases.toml and the "documented error lists (h88)" blocks
// of rules/providers.toml: NetEase codes the table had left out (MI:IMF, MI:SPB, MI:DMA,
// MI:CEL, MI:NHD, RP:FRL as a relay refusal), a 500/501 to a malformed HELO argument,
// QQ Mail's and Symantec.cloud's content-filter replies, refused attachment types and
// Office macros, relay refusals in other words, a refusal naming SPF/DKIM/DMARC, a forged
// sender, a locked or frozen account, an address listed as invalid, the sameness of bulk
// mail, a missing required header, banned senders, harvest attacks, bounce floods,
// policyd-weight's verdict and a bounce to several recipients.
// Loaded as the bundled config loads the shipped rules. Every family is tested with
// wordings written here and with the nearest phrases of other labels that must NOT get
// its label.
import { describeFamilies } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  'NetEase codes the table had left out': [
    ['550 MI:IMF 126 smtp4,Gs8vCgDX 1700000000 see the help page', 'InvalidSender'],
    ['554 MI:SPB 126 smtp6,Gs8vCgDX 1700000000', 'InvalidSender'],
    ['550 MI:DMA 126 smtp7,Gs8vCgDX 1700000000', 'AuthenticationFailed'],
    ['451 RP:CEL 126 smtp1,Gs8vCgDX too many bad commands', 'ProtocolErrors'],
    ['550 MI:NHD 126 smtp3,Gs8vCgDX 1700000000', 'ProtocolErrors'],
    ['550 RP:FRL 126 smtp8,Gs8vCgDX 1700000000', 'RelayDenied'],
    // Nearest: NetEase's rate codes (TransientFailure) and the allow-list codes that
    // stay PolicyRelated.
    ['450 RP:TRC 126 smtp8,Gs8vCgDX 1700000000', 'TransientFailure'],
    ['451 MI:SFQ 126 smtp8,Gs8vCgDX 1700000000', 'TransientFailure'],
    ['450 WM:BLU 126 smtp6,Gs8vCgDX 1700000000', 'PolicyRelated'],
  ],
  'a 500/501 to a malformed HELO or EHLO argument': [
    ['501 HELO Invalid domain name', 'ProtocolErrors'],
    ['501 5.5.2 EHLO requires a valid hostname', 'ProtocolErrors'],
    ['501 Invalid EHLO argument', 'ProtocolErrors'],
    // Nearest: HELO checks of the client's identity (AuthenticationFailed) and an invalid
    // domain outside a syntax reply (BadDomain).
    [
      '504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname',
      'AuthenticationFailed',
    ],
    ['450 4.7.1 <mail.internal>: Helo command rejected: Host not found', 'AuthenticationFailed'],
    ['550 Invalid domain name in HELO, bad configuration', 'BadDomain'],
  ],
  "QQ Mail's and Symantec.cloud's content-filter replies": [
    [
      '550 Error: content rejected. http://mail.qq.com/cgi-bin/rejectedmail.html?id=1',
      'SpamContent',
    ],
    ['550 Message filtered. Refer to the Troubleshooting page for details (#5.7.1)', 'SpamContent'],
    // Nearest: "content rejected" without QQ's help page stays the vague policy refusal.
    ['550 Error: content rejected', 'PolicyRelated'],
  ],
  'a refused attachment type, a macro-bearing Office document': [
    ['554 5.7.1 Blacklisted file extension .scr', 'ProhibitedAttachment'],
    ['550 High-risk attachment type refused', 'ProhibitedAttachment'],
    ['552 5.7.0 Restricted attachment: invoice.js', 'ProhibitedAttachment'],
    ['554 Word document containing macros is not accepted', 'ProhibitedAttachment'],
    ['552 Macros detected inside the attachment', 'ProhibitedAttachment'],
    [
      '554 5.7.1 Message rejected: blocked content type application/x-msdownload',
      'ProhibitedAttachment',
    ],
    ['552 5.7.1 MIME content type application/x-msdownload is not allowed', 'ProhibitedAttachment'],
    // (h89) A restricted address extension (RFC 5233) is no file extension.
    [
      '550 5.7.1 Delivery to restricted extensions of this mailbox is not permitted',
      'PolicyRelated',
    ],
    // Nearest: banned words (ContentRelated), a virus verdict, an attachment too big.
    ['550 5.7.1 Message contains blacklisted words', 'ContentRelated'],
    ['554 5.7.1 Macro virus W97M.Test found in attachment', 'VirusRelated'],
    ['552 The attachment was too long for this server', 'QuotaIssues'],
  ],
  'relay refusals in other words': [
    ['553 Server refuses relaying for this domain', 'RelayDenied'],
    ['550 This server denies relay to outside addresses', 'RelayDenied'],
    ['553 Submission is for local accounts only', 'RelayDenied'],
    ['550 SMTP authentication is required for sending to remote domains', 'RelayDenied'],
    ['503 This host requires authentication to send to non-local addresses', 'RelayDenied'],
    ['450 I cannot deliver e-mail for this domain', 'RelayDenied'],
    // Nearest: client authentication required or failed with no relaying in it.
    ['530 5.7.0 Authentication required', 'AuthenticationFailed'],
    ['550 relaying for local users only', 'RelayDenied'],
    ['554 5.7.1 Local users only', 'RelayDenied'],
    // Nearest: a recipient that takes mail from its own organisation only (a policy).
    ['550 5.7.1 This mailbox accepts mail from internal senders only', 'PolicyRelated'],
    ['535 5.7.8 Authentication credentials invalid', 'AuthenticationFailed'],
    // (h89) Relaying named only where the server is the subject, and Haraka's refusal
    // only with the recipient and nothing after it; a group's or list's restriction,
    // and the same words with a reason or a time after them, say something else.
    ['553 Requested action not taken: local user only', 'RelayDenied'],
    ['550 5.7.1 Unable to relay: local users only', 'RelayDenied'],
    ['550 I cannot deliver mail for user@example.org', 'RelayDenied'],
    ['550 5.7.1 Restricted group: internal users only', 'PolicyRelated'],
    ['550 5.7.1 This distribution list accepts mail for internal users only', 'PolicyRelated'],
    ['550 5.7.1 This mailing list is for internal users only', 'PolicyRelated'],
    ['550 5.2.2 I cannot deliver mail for user@example.com: mailbox is full', 'QuotaIssues'],
    [
      '550 5.1.1 Sorry, I cannot deliver mail for this address: no such user here',
      'InvalidRecipient',
    ],
    [
      '451 4.3.0 I cannot deliver mail for you right now, please try again later',
      'TransientFailure',
    ],
  ],
  'a refusal naming SPF, DKIM or DMARC; a forged sender': [
    ['550 Message blocked by SPF policy of the sender domain', 'AuthenticationFailed'],
    ['550 5.7.1 Mail refused because of DKIM failure', 'AuthenticationFailed'],
    ['553 Faked sender address', 'AuthenticationFailed'],
    ['550 Forged From address rejected', 'AuthenticationFailed'],
    // Nearest: the sender's address or domain refused (InvalidSender).
    ['553 5.1.8 Sender address rejected: Domain not found', 'InvalidSender'],
    ['554 5.7.1 <x@sender.example>: Sender address rejected: Access denied', 'InvalidSender'],
    ['550 Envelope sender denied', 'InvalidSender'],
    // (h89) A report mailbox named like the check is no refusal by the check.
    ['550 5.1.1 rejected by dmarc-reports mailbox: user unknown', 'InvalidRecipient'],
  ],
  'a locked or frozen account (permanent reply)': [
    ['550 Your account is locked', 'InactiveMailbox'],
    ['550 5.2.1 The user has been frozen by the administrator', 'InactiveMailbox'],
    // Nearest: a mailbox busy or locked for now (TransientFailure), the sender's own
    // account barred from sending (SpamBlock), a login locked (AuthenticationFailed).
    ['450 4.2.1 Mailbox locked, try again later', 'TransientFailure'],
    ['451 Account temporarily locked, try later', 'TransientFailure'],
    ['550 Account is locked for outgoing mail', 'SpamBlock'],
    ['535 Account locked after too many failed logins', 'AuthenticationFailed'],
    // (h89) A reply to AUTH that says the account is locked is the login refused.
    ['535 5.7.8 Your account is locked after too many failed logins', 'AuthenticationFailed'],
  ],
  'an address listed as invalid, characters not allowed in it': [
    ['550 5.1.1 The recipient email address is flagged as invalid', 'InvalidRecipient'],
    ['550 Email address is listed as non-existent', 'InvalidRecipient'],
    ['550 Invalid characters in local part', 'InvalidRecipient'],
    // Nearest: the same said of the sender (InvalidSender).
    ['550 Sender email address is marked as invalid', 'InvalidSender'],
    ['553 5.1.7 Illegal characters in sender address', 'InvalidSender'],
  ],
  'bulk mail judged by its sameness': [
    ['550 Too many identical messages received', 'SpamContent'],
    ['552 Too many mails with the same content from you', 'SpamContent'],
    // Nearest: a rate of one Message-ID (TransientFailure), recipients per message.
    ['452 Too many messages with the same Message-ID', 'TransientFailure'],
    ['452 4.5.3 Too many recipients', 'TooManyRecipients'],
  ],
  'a required header missing': [
    ["550 Required header 'From' missing", 'ContentRelated'],
    ['554 5.6.0 Mandatory header field Date is missing', 'ContentRelated'],
    // Nearest: a header line too long (also ContentRelated, another family) and data
    // sent with no line end (ProtocolErrors).
    ['421 Excessive amount of data from client', 'ProtocolErrors'],
    ['421 Input without line end, closing', 'ProtocolErrors'],
  ],
  'banned senders, harvest attacks, bounce floods, policyd-weight': [
    ['550 The sending host 192.0.2.4 is banned', 'SpamBlock'],
    ['550 The sender mail.sender.example has been banned', 'SpamBlock'],
    ['550 5.7.1 Black host 192.0.2.8', 'SpamBlock'],
    ['550 Directory harvest attack detected, connection closed', 'SpamBlock'],
    ['421 DHA limit reached for 192.0.2.9', 'SpamBlock'],
    ['550 High bounce rate from your server', 'SpamBlock'],
    ['550 Too many NDR messages from this host', 'SpamBlock'],
    ['550 Mail appeared to be forged', 'SpamBlock'],
    // Nearest: the message judged as spam (SpamContent), a disabled recipient.
    ['550 5.7.1 Message rejected as spam', 'SpamContent'],
    ['550 user is disabled', 'InactiveMailbox'],
  ],
  'a bounce addressed to several recipients': [
    ['550 Null sender messages to multiple recipients are not accepted', 'PolicyRelated'],
    ['550 A bounce is never sent to more than one recipient', 'PolicyRelated'],
    // Nearest: too many recipients in one message (TooManyRecipients).
    ['452 Too many recipients for this message', 'TooManyRecipients'],
  ],
};

describeFamilies(FAMILIES);
