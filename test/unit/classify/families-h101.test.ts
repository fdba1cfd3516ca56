// The "h101" families of rules/phrases.toml and rules/providers.toml, found with
// bench/data/blind-replies-10.tsv: a scanner named after its verdict, a size limit that
// must not take a rate limit, a sending limit in Ukrainian and Russian (and the bare
// Ukrainian, Greek and Vietnamese words for "limit" no longer read as a mailbox quota),
// Ukrainian "try again later", a count per hour or day, a recipient that "may not exist",
// a recipient address that is not fully qualified, a client that talks out of turn, an
// intrusion detection ban, and Postfix's 501 to a malformed HELO name. Loaded as the
// bundled config loads the shipped rules. Every family is tested with wordings written
// here and with the nearest phrases of other labels that must NOT get its label.
import { describeFamilies } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  'a virus verdict with the scanner named after the verb': [
    ['550 Message refused: Doc.Dropper.Agent-7 found by clamd', 'VirusRelated'],
    ['554 5.7.1 Rejected: Eicar-Test-Signature detected by the antivirus engine', 'VirusRelated'],
    ['550 5.7.0 Html.Phishing.Bank-1 flagged by the virus scanner', 'VirusRelated'],
    // Nearest: a spam verdict by its engine, a recipient not found by a lookup.
    ['550 5.7.1 Spam detected by the anti-spam engine', 'SpamContent'],
    ['550 5.1.1 Recipient not found by directory lookup', 'InvalidRecipient'],
  ],
  'a size limit, which a rate limit is not': [
    ['552 Message exceeded the allowed attachment size', 'QuotaIssues'],
    ['552 Your mail exceeds the maximum body length limit', 'QuotaIssues'],
    ['552 5.3.4 Message exceeds fixed mail limit of this server', 'QuotaIssues'],
    // Nearest: a rate said with "exceeded ... limit" (TransientFailure).
    ['450 4.7.1 Sender exceeded message rate limit, slow down', 'TransientFailure'],
    ['550 5.7.1 You have exceeded the maximum sending limit for today', 'TransientFailure'],
  ],
  'a sending limit in Ukrainian and Russian, and a mailbox limit that needs a storage word': [
    ['421 Ліміт надсилання листів вичерпано, спробуйте пізніше', 'TransientFailure'],
    ['550 Перевищено ліміт відправлення', 'TransientFailure'],
    ['550 Превышен лимит отправки сообщений', 'TransientFailure'],
    ['450 Vượt quá hạn mức gửi thư trong ngày', 'TransientFailure'],
    ['450 Έχει γίνει υπέρβαση του ορίου αποστολής', 'TransientFailure'],
    // Nearest: the mailbox's own limit, named with a storage word (QuotaIssues).
    ['452 Перевищено ліміт поштової скриньки отримувача', 'QuotaIssues'],
    ['452 Ліміт сховища скриньки вичерпано', 'QuotaIssues'],
    ['452 Vượt quá hạn mức dung lượng hộp thư', 'QuotaIssues'],
    ['452 Έχει γίνει υπέρβαση του ορίου χώρου', 'QuotaIssues'],
  ],
  'try again later in Ukrainian': [
    ['451 Сервіс тимчасово недоступний, повторіть спробу пізніше', 'TransientFailure'],
    ["421 Забагато з'єднань, спробуйте ще раз пізніше", 'TransientFailure'],
    // Nearest: a permanent refusal in Ukrainian with no retry (not TransientFailure).
    ['550 Поштова скринька переповнена', 'QuotaIssues'],
  ],
  "the sender's own count per hour or day": [
    ['550 Your account has exceeded the maximum number of messages per hour', 'TransientFailure'],
    ['451 4.7.0 Max emails per day reached for this domain, deferring', 'TransientFailure'],
    // Nearest: recipients in one message (TooManyRecipients), a mailbox over quota.
    ['452 4.5.3 Too many recipients per message', 'TooManyRecipients'],
    ['552 5.2.2 Mailbox has exceeded the maximum storage allowed', 'QuotaIssues'],
  ],
  'a recipient said possibly not to exist': [
    ['550 The mailbox or domain might not exist', 'InvalidRecipient'],
    ['550 Recipient address may not exist on this server', 'InvalidRecipient'],
    // Nearest: the sender's domain that may not exist (InvalidSender).
    ['550 5.1.8 Sender address rejected: the sender domain may not exist', 'InvalidSender'],
  ],
  'a recipient address that is not fully qualified': [
    [
      '550 5.5.2 <pat@mailhost>: Recipient address rejected: need fully-qualified domain',
      'InvalidRecipient',
    ],
    ['504 Recipient address is not fully qualified', 'InvalidRecipient'],
    // Nearest: the sender's address and the HELO name that are not fully qualified.
    ['504 5.5.2 <pat>: Sender address rejected: need fully-qualified address', 'InvalidSender'],
    [
      '504 5.5.2 <box>: Helo command rejected: need fully-qualified hostname',
      'AuthenticationFailed',
    ],
  ],
  'a client that talks out of turn': [
    ['554 5.5.1 SMTP synchronisation error: input sent before the greeting', 'ProtocolErrors'],
    ['550 Client talked too soon, closing connection', 'ProtocolErrors'],
    ['421 Early talker rejected', 'ProtocolErrors'],
    ['554 You sent commands before the banner', 'ProtocolErrors'],
    // Nearest: a busy server that asks to come back (TransientFailure).
    ['421 4.7.0 Server busy, try again later', 'TransientFailure'],
  ],
  'a client banned by intrusion detection or prevention': [
    ['554 5.7.1 Access from 192.0.2.5 blocked by intrusion prevention', 'SpamBlock'],
    ['421 4.7.0 Your IP is banned by the IDS for 30 minutes, try again later', 'SpamBlock'],
    ['421 Intrusion detection system has blocked your address', 'SpamBlock'],
    // Nearest: a busy server and a greylisting deferral (TransientFailure).
    ['421 4.3.2 System busy, please try again later', 'TransientFailure'],
    ['450 4.7.1 Greylisted by the policy service, retry shortly', 'TransientFailure'],
  ],
  "a 501 to a malformed HELO name, Postfix's form": [
    ['501 5.5.2 <host_name!>: Helo command rejected: Invalid name', 'ProtocolErrors'],
    ['501 Helo command rejected: malformed hostname', 'ProtocolErrors'],
    // Nearest: HELO identity checks (AuthenticationFailed).
    ['450 4.7.1 <mx.example.org>: Helo command rejected: Host not found', 'AuthenticationFailed'],
    ['550 5.7.1 <box>: Helo command rejected: Invalid name', 'AuthenticationFailed'],
  ],
};

describeFamilies(FAMILIES);
