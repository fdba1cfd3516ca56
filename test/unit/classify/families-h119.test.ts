// The "h119" families of rules/phrases.toml and rules/providers.toml, found with
// bench/data/blind-replies-11.tsv: a malware verdict as the cause of a refusal or a file
// known as malware, a destination that must support TLS, both spellings of "unroutable"
// with a word before the noun, a filter's spam verdict with the message as its object,
// the sending host handed itself as the remote host, a network error said as such, a
// mail transport that is unavailable, a From address the sender may not send as, and
// Barracuda's Intent Analysis. Loaded as the bundled config loads the shipped rules.
// Every family is tested with wordings written here and with the nearest phrases of
// other labels that must NOT get its label.
import { describeFamilies } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  'a malware verdict as the cause, or a file known as malware': [
    ['550 5.7.1 Message refused due to virus detection by the gateway', 'VirusRelated'],
    ['554 Delivery blocked because of malware detection.', 'VirusRelated'],
    ['550 5.7.0 Rejected after malware detection (engine 2)', 'VirusRelated'],
    ['554 5.7.1 The attached file is known as malware', 'VirusRelated'],
    ['550 5.7.1 Attachment flagged on the hash list as a virus by the scanner', 'VirusRelated'],
    // Nearest: a scanner that failed (not a verdict), an IP listed for its bots (a block).
    ['451 4.3.0 Deferred due to virus detection failure, try again later', 'TransientFailure'],
    ['554 5.7.1 Client host 192.0.2.9 is listed in the CBL as a malware bot', 'SpamBlock'],
    ['554 5.7.1 IP listed in XBL as a malware source', 'SpamBlock'],
  ],
  'a destination that must support TLS': [
    [
      '450 4.7.321 tls-not-supported: the receiving host needs to offer STARTTLS',
      'AuthenticationFailed',
    ],
    ['550 5.7.10 Remote server must support TLS for this domain', 'AuthenticationFailed'],
    ['451 4.7.5 Peer is required to negotiate encryption before MAIL FROM', 'AuthenticationFailed'],
    // Nearest: a relay that must authenticate (RelayDenied), a full mailbox.
    ['550 5.7.1 Client must use SMTP AUTH to relay', 'RelayDenied'],
    ['452 4.2.2 Mailbox must be emptied before it can receive mail', 'QuotaIssues'],
  ],
  'both spellings of "unroutable", with a word before the noun': [
    ['550 Unroutable address', 'BadDomain'],
    ['550 Unrouteable recipient domain "nowhere.test"', 'BadDomain'],
    ['550 unroutable e-mail domain', 'BadDomain'],
    // Nearest: the sender's unroutable domain (InvalidSender), a routing loop.
    ['550 Sender verify failed: Unrouteable address', 'InvalidSender'],
    ['554 5.4.6 Routing loop detected', 'RoutingErrors'],
  ],
  "a filter's spam verdict with the message as its object": [
    ['550 5.7.1 The gateway rated this email as junk', 'SpamContent'],
    ['554 Rejected: our filter classified your message as bulk', 'SpamContent'],
    ['550 5.7.1 The engine judged the mail as probable spam', 'SpamContent'],
    // Nearest: a sending IP rated by its reputation (a block), a DMARC failure.
    ['554 5.7.1 Your IP address has been rated as a spam source by Spamhaus', 'SpamBlock'],
    [
      '550 5.7.1 Message rejected: DMARC policy of the sender domain is reject',
      'AuthenticationFailed',
    ],
  ],
  'the sending host handed itself as the remote host': [
    ['remote host address is the local host', 'RoutingErrors'],
    ['550 destination host is this host: check the MX of the domain', 'RoutingErrors'],
    // Nearest: the local host refused as a client (a block), a host that did not answer.
    ['554 5.7.1 <localhost>: Helo command rejected: You are not me', 'AuthenticationFailed'],
    ['451 4.4.1 No answer from host mx.example.test', 'NoAnswerFromHost'],
  ],
  'a network error said as such': [
    ['Network error on the destination MX', 'BadConnection'],
    ['451 4.4.0 Network failure while talking to mx.example.test', 'BadConnection'],
    // Nearest: a network on a block list (SpamBlock), a DNS failure for now.
    ['554 5.7.1 Your network is on our block list', 'SpamBlock'],
    ['451 4.4.3 Temporary DNS error: SERVFAIL resolving example.test', 'DNSFailure'],
  ],
  'a mail transport that is unavailable': [
    ['delivery transport unavailable', 'BadConfiguration'],
    ['550 5.3.0 Mail transport is not available for this route', 'BadConfiguration'],
    // Nearest: a service unavailable for now (TransientFailure), a mailbox unavailable.
    ['421 4.3.2 Service not available, closing transmission channel', 'TransientFailure'],
    ['550 5.1.1 Mailbox unavailable: no such user', 'InvalidRecipient'],
  ],
  'a From address the sender may not send as': [
    [
      '554 5.2.0 STOREDRV.Submission.Exception:SendAsDeniedException; cannot submit',
      'PolicyRelated',
    ],
    ['550 5.7.60 The account does not have Send As permission for this address', 'PolicyRelated'],
    ['550 5.7.1 User lacks send-as rights on the shared mailbox', 'PolicyRelated'],
    // Nearest: a sender domain that does not exist (InvalidSender), relaying denied.
    ['553 5.1.8 Sender address domain does not exist', 'InvalidSender'],
    ['554 5.7.1 Relaying denied for unauthenticated clients', 'RelayDenied'],
  ],
  "Barracuda's Intent Analysis": [
    ['550 5.7.1 Rejected by Intent Analysis', 'SpamContent'],
    ['554 Blocked by the Intent Analysis layer (Barracuda Intent Analysis)', 'SpamContent'],
    // Nearest: Barracuda's reputation block list (SpamBlock).
    ['554 Service unavailable; client [192.0.2.4] blocked using Barracuda Reputation', 'SpamBlock'],
  ],
};

describeFamilies(FAMILIES);
