// RFC 5965 Abuse Reporting Format (and RFC 6591 authentication failure reports,
// which use it), read into KumoMTA's feedback_report shape. Also the complaint
// formats that are not ARF but mean the same: Microsoft's JMRP (multipart/mixed with
// X-HmXmrOriginalRecipient), Amazon SES's complaint forwards, and Apple Mail's
// one-click unsubscribe (RFC 8058 style opt-out sent as a plain message).
import { extractAddress, extractAddressList, stripAngles } from './address';
import { utf8 } from './codec';
import { parseDate } from './date';
import { REPORT_LIMITS, scanFields } from './header';
import { decodedBinary, type MimeMessage, type MimePart, type ReturnedMessage } from './mime';
import { returnedTies } from './trace';
import type { FeedbackFinding, ParseOptions, ParseProblem } from './types';
import type { FeedbackReport, SupplementalTrace } from '../values';
import { rfc3339 } from '../values';
import { mtaName } from './dsn';

/** Most characters of the returned message kept in `original_message`. */
export const MAX_ORIGINAL_MESSAGE = 1024 * 1024;

const FEEDBACK_TYPES = new Set(['message/feedback-report']);

/** Fields with a place of their own in FeedbackReport (RFC 5965 §3.1, §3.2). */
const KNOWN_FIELDS = new Set([
  'feedback-type',
  'user-agent',
  'version',
  'arrival-date',
  'incidents',
  'original-envelope-id',
  'original-mail-from',
  'reporting-mta',
  'source-ip',
  'authentication-results',
  'original-rcpt-to',
  'reported-domain',
  'reported-uri',
]);

function findFeedbackPart(msg: MimeMessage): MimePart | null {
  for (const part of msg.parts) {
    if (part.scope === msg.root && FEEDBACK_TYPES.has(part.type)) return part;
  }
  return null;
}

/**
 * The report part of a legacy feedback report: before RFC 5965 fixed the media type,
 * ARF drafts' senders (and some still) put the machine-readable fields in a text/plain
 * part. Taken only in a message that announces `report-type=feedback-report` and has a
 * returned message, when a text/plain part of the report opens with ARF fields
 * (Feedback-Type plus User-Agent or Version, RFC 5965 §3.1): a human part that merely
 * mentions them does not open with them.
 */
function findLegacyFeedbackPart(msg: MimeMessage): MimePart | null {
  if (!announcedArf(msg) || msg.returned() === null) return null;
  for (const part of msg.parts) {
    if (part.scope !== msg.root || part.type !== 'text/plain') continue;
    const text = decodedBinary(part, null);
    if (!KNOWN_FIELDS.has(firstFieldName(text))) continue;
    const { fields } = scanFields(text, 0, true, null, REPORT_LIMITS);
    const names = new Set(fields.map((f) => f.name));
    if (names.has('feedback-type') && (names.has('user-agent') || names.has('version')))
      return part;
  }
  return null;
}

/** The lower-cased name before the colon on the first non-blank line of `text` ('' when none). */
function firstFieldName(text: string): string {
  let start = 0;
  while (
    start < text.length &&
    (text[start] === '\r' || text[start] === '\n' || text[start] === ' ')
  )
    start++;
  const colon = text.indexOf(':', start);
  if (colon < 0 || colon - start > 40) return '';
  const name = text.slice(start, colon);
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    // RFC 5322 §3.6.8 ftext: printable ASCII but the colon, no space.
    if (c <= 0x20 || c > 0x7e) return '';
  }
  return name.toLowerCase();
}

/** True when the top-level Content-Type announces a feedback report (RFC 5965 §2 item a). */
function announcedArf(msg: MimeMessage): boolean {
  return (
    msg.root.type === 'multipart/report' &&
    (msg.root.params.get('report-type') ?? '').trim().toLowerCase() === 'feedback-report'
  );
}

/** An RFC 5965 report; null when the message is none. */
export function parseArf(msg: MimeMessage, options: ParseOptions = {}): FeedbackFinding | null {
  const part = findFeedbackPart(msg) ?? findLegacyFeedbackPart(msg);
  if (part === null) {
    if (announcedArf(msg))
      msg.problems.push({
        code: 'arf.report-part-missing',
        detail: 'report-type=feedback-report without a message/feedback-report part',
      });
    return null;
  }
  const { fields } = scanFields(
    decodedBinary(part, msg.problems),
    0,
    false,
    msg.problems,
    REPORT_LIMITS,
  );
  const values = new Map<string, string[]>();
  for (const f of fields) {
    const v = utf8(f.value);
    const list = values.get(f.name);
    if (list === undefined) values.set(f.name, [v]);
    else list.push(v);
  }
  const first = (name: string): string | null => values.get(name)?.[0] ?? null;
  const all = (name: string): string[] => (values.get(name) ?? []).filter((v) => v !== '');

  // The types are tokens registered in lower case (RFC 5965 §7.3, IANA "Feedback Report
  // Feedback Types"); a generator writing "Abuse" means the registered "abuse".
  const writtenType = first('feedback-type');
  const feedbackType = writtenType === null ? null : writtenType.trim().toLowerCase();
  // RFC 5965 §3.1 requires these three; KumoMTA's ARFReport has them as strings and
  // writes no Feedback record without them. oobd keeps the report (`""` in their place)
  // and says what was missing.
  for (const [name, field] of [
    ['feedback-type', 'Feedback-Type'],
    ['user-agent', 'User-Agent'],
    ['version', 'Version'],
  ] as const) {
    if (first(name) === null)
      msg.problems.push({
        code: `arf.${name}-missing`,
        detail: `message/feedback-report without ${field} (required by RFC 5965 §3.1)`,
      });
  }
  // RFC 5965 §3.1 names Arrival-Date; Yahoo and others send Received-Date instead.
  let arrivalRaw = first('arrival-date');
  let arrivalField = 'arrival-date';
  if (arrivalRaw === null) {
    arrivalRaw = first('received-date');
    arrivalField = 'received-date';
  }
  const arrival = parseDate(arrivalRaw);
  const returned = msg.returned();

  const extensions: Record<string, string[]> = {};
  for (const name of [...values.keys()].sort()) {
    if (KNOWN_FIELDS.has(name) || name === arrivalField) continue;
    extensions[name] = values.get(name) ?? [];
  }
  const reportingMtaRaw = first('reporting-mta');
  const incidentsRaw = first('incidents');
  const incidents =
    incidentsRaw !== null && isDigits(incidentsRaw.trim()) ? Number(incidentsRaw.trim()) : null;
  const { addresses: rcptTo, without: redacted } = fieldAddresses(all('original-rcpt-to'));
  valueProblems(msg.problems, 'arf.original-rcpt-to-redacted', 'Original-Rcpt-To', redacted);
  const removal = removalRecipients(all('removal-recipient'), msg.problems);
  // Microsoft JMRP sent as ARF has no Original-Rcpt-To: the complained-about address is
  // X-HmXmrOriginalRecipient in the returned message, as in its non-ARF form below.
  if (rcptTo.length === 0) {
    const hotmail = hotmailOriginalRecipient(returned);
    if (hotmail !== null) rcptTo.push(hotmail);
  }
  const mailFrom = first('original-mail-from');
  const ties = returnedTies(msg, options);

  const report: FeedbackReport = {
    feedback_type: feedbackType ?? '',
    user_agent: first('user-agent') ?? '',
    version: first('version') ?? '',
    arrival_date: arrival === null ? null : rfc3339(arrival),
    incidents: incidents !== null && Number.isSafeInteger(incidents) ? incidents : null,
    original_envelope_id: first('original-envelope-id'),
    original_mail_from: mailFrom === null ? null : stripAngles(mailFrom),
    reporting_mta: reportingMtaRaw === null ? null : reportingMta(reportingMtaRaw),
    source_ip: first('source-ip'),
    authentication_results: all('authentication-results'),
    original_rcpto_to: rcptTo,
    reported_domain: all('reported-domain'),
    reported_uri: all('reported-uri'),
    extensions,
    original_message: originalMessage(returned, msg.problems),
    supplemental_trace: ties.trace,
  };
  const complained = complainedRecipients(rcptTo, ties.trace, returned);
  const finding: FeedbackFinding = {
    kind: 'feedback',
    recipient: complained.recipient,
    recipientFrom: complained.from,
    source: 'rfc5965',
    report,
    originalMessageId: ties.originalMessageId,
    time: arrival,
  };
  if (removal.length > 0) finding.removalRecipients = removal;
  return finding;
}

/**
 * The addresses of the report's Removal-Recipient fields, once each, in order.
 * Removal-Recipient is not one of RFC 5965 §3.2's fields: it comes from the ARF drafts
 * (draft-shafranovich-feedback-report), where an `opt-out` report names with it an
 * address to take off the sender's list, one address per field and any number of fields,
 * and RFC 5965's own extended example (Appendix B.2) still carries it as an extension
 * field (§3.1 lets a report carry fields it does not define). It says who asked to be
 * removed, not who complained (that is Original-Rcpt-To), so it is kept apart:
 * `feedback_detail.removal_recipients`. A value that holds no address (a redaction
 * placeholder, a bare name) is left out and reported; an empty one is left out.
 */
function removalRecipients(values: readonly string[], problems: ParseProblem[]): string[] {
  const { addresses, without } = fieldAddresses(values);
  valueProblems(problems, 'arf.removal-recipient-invalid', 'Removal-Recipient', without);
  const seen = new Set<string>();
  return addresses.filter((address) => {
    const key = address.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The addresses of a report field's values (Original-Rcpt-To, Removal-Recipient), in
 * order, and the values that hold none. RFC 5965 §3.2 gives one address per field,
 * repeated; some generators copy the returned To instead, a list ("<a@x>, <b@x>"): each
 * of its addresses is one. Receivers that redact the complainant (RFC 6590) write a
 * placeholder such as "[redacted]" or "redacted@" in its place: no address; nor is
 * "<[redacted]@example.net>", whose bracketed local part names no mailbox. A redacted
 * local part of a real domain ("xxxxx@example.net") is still an address and kept as the
 * report gives it.
 */
function fieldAddresses(values: readonly string[]): { addresses: string[]; without: string[] } {
  const addresses: string[] = [];
  const without: string[] = [];
  for (const value of values) {
    const listed = extractAddressList(value);
    if (listed.length > 1) {
      for (const address of listed) if (isAddress(address)) addresses.push(address);
      continue;
    }
    const address = addressOf(value.trim());
    if (isAddress(address) && !bracketedLocalPart(value, address)) addresses.push(address);
    else without.push(value);
  }
  return { addresses, without };
}

/** How many values of one field `valueProblems` names, each in a problem of its own. */
const MAX_VALUE_PROBLEMS = 10;

/**
 * One problem `code` per value of the report's `field` that holds no address ("Original-
 * Rcpt-To without an address: \"[redacted]\""), for the first MAX_VALUE_PROBLEMS of
 * `values`, and one more that counts the rest: a report of thousands of such fields
 * (hostile input; each field may repeat, RFC 5965 §3.2) says so in a few problems, not in
 * a list as long as itself.
 */
function valueProblems(
  problems: ParseProblem[],
  code: string,
  field: string,
  values: readonly string[],
): void {
  for (const value of values.slice(0, MAX_VALUE_PROBLEMS))
    problems.push({
      code,
      detail: `${field} without an address: ${JSON.stringify(value.slice(0, 100))}`,
    });
  const rest = values.length - MAX_VALUE_PROBLEMS;
  if (rest > 0) problems.push({ code, detail: `${rest} more ${field} fields without an address` });
}

/**
 * JMRP's X-HmXmrOriginalRecipient in the returned message: the original RCPT TO of the
 * complained message (Microsoft's name for it, "Junk Mail Reporting Program" docs), the
 * field Original-Rcpt-To stands for in ARF. Null when absent or empty.
 */
function hotmailOriginalRecipient(returned: ReturnedMessage | null): string | null {
  const value = returned?.headers.get('x-hmxmroriginalrecipient') ?? null;
  if (value === null) return null;
  const address = extractAddress(value) ?? stripAngles(value.trim());
  return address === '' ? null : address;
}

/**
 * Who the complaint is about, best source first: the report's Original-Rcpt-To; the
 * recipient KumoMTA wrote into its trace header (the address it sent that message
 * to); the returned message's To/Cc. None is made up: `''` when no source names one.
 */
function complainedRecipients(
  rcptTo: string[],
  trace: SupplementalTrace | null,
  returned: ReturnedMessage | null,
): { recipient: string | string[]; from: string | null } {
  if (rcptTo.length > 0) return { recipient: single(rcptTo), from: 'original-rcpt-to' };
  const traced = trace?.['recipient'];
  if (typeof traced === 'string' && traced.indexOf('@') > 0)
    return { recipient: traced, from: 'supplemental_trace' };
  const named = returnedRecipient(returned);
  return { recipient: named, from: named === '' ? null : 'returned-message' };
}

function isDigits(s: string): boolean {
  if (s.length === 0 || s.length > 15) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function addressOf(value: string): string {
  return extractAddress(value) ?? stripAngles(value);
}

/** True for local@domain with both parts non-empty and no white space. */
function isAddress(value: string): boolean {
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1) return false;
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) <= 0x20) return false;
  return true;
}

/**
 * True when `address`, as `raw` writes it, has '[' or ']' in its local part: RFC 5322
 * §3.2.3 makes them specials, never part of an unquoted local part, so such a writing is
 * a redaction placeholder ("[redacted]@example.net", RFC 6590) the address reader cut
 * down to a mailbox-like remnant ("redacted]@example.net"), not a mailbox.
 */
export function bracketedLocalPart(raw: string, address: string): boolean {
  const at = address.lastIndexOf('@');
  if (at < 0) return false;
  const domainAt = raw.toLowerCase().indexOf(address.slice(at).toLowerCase());
  if (domainAt < 0) return false;
  for (let i = domainAt - 1; i >= 0; i--) {
    const c = raw[i];
    if (c === '<' || c === ',' || c === ':' || c === ' ' || c === '\t' || c === '\n') break;
    if (c === '[' || c === ']') return true;
  }
  return false;
}

function single(list: string[]): string | string[] {
  return list.length === 1 ? (list[0] as string) : list;
}

function reportingMta(value: string): { mta_type: string; name: string } {
  const semi = value.indexOf(';');
  if (semi < 0) return { mta_type: '', name: value.trim() };
  return { mta_type: value.slice(0, semi).trim(), name: mtaName(value, (v) => v) ?? '' };
}

/**
 * The returned message's To and Cc addresses; `''` when it names none ("undisclosed
 * recipients", no returned message): the report named no recipient, and none is made up.
 */
function returnedRecipient(returned: ReturnedMessage | null): string | string[] {
  if (returned !== null) {
    const list: string[] = [];
    for (const name of ['to', 'cc']) {
      const raw = returned.headers.get(name);
      for (const address of extractAddressList(raw))
        if (raw === null || !bracketedLocalPart(raw, address)) list.push(address);
    }
    if (list.length > 0) return single(list);
  }
  return '';
}

function originalMessage(
  returned: ReturnedMessage | null,
  problems: ParseProblem[],
): string | null {
  if (returned === null) return null;
  const text = returned.text();
  if (text.length <= MAX_ORIGINAL_MESSAGE) return text;
  problems.push({
    code: 'arf.original-message-truncated',
    detail: `original_message cut at ${MAX_ORIGINAL_MESSAGE} characters`,
  });
  return text.slice(0, MAX_ORIGINAL_MESSAGE);
}

function emptyReport(feedbackType: string): FeedbackReport {
  return {
    feedback_type: feedbackType,
    user_agent: '',
    version: '',
    arrival_date: null,
    incidents: null,
    original_envelope_id: null,
    original_mail_from: null,
    reporting_mta: null,
    source_ip: null,
    authentication_results: [],
    original_rcpto_to: [],
    reported_domain: [],
    reported_uri: [],
    extensions: {},
    original_message: null,
    supplemental_trace: null,
  };
}

const COMPLAINT_SENDERS = new Set(['staff@hotmail.com', 'complaints@email-abuse.amazonses.com']);

/** Complaints that are not RFC 5965 reports; null when the message is none. */
export function parseComplaint(
  msg: MimeMessage,
  options: ParseOptions = {},
): FeedbackFinding | null {
  const h = msg.headers;
  // Apple Mail's unsubscribe: a plain message to the List-Unsubscribe mailto address.
  const appleUnsubscribe = h.get('x-apple-unsubscribe');
  if (appleUnsubscribe !== null && appleUnsubscribe.trim().toLowerCase() === 'true') {
    const report = emptyReport('opt-out');
    report.user_agent = h.get('x-mailer') ?? '';
    const from = extractAddress(h.get('from')) ?? extractAddress(h.get('sender'));
    const date = parseDate(h.get('date'));
    return {
      kind: 'feedback',
      recipient: from ?? '',
      recipientFrom: from === null ? null : 'from',
      source: 'apple-unsubscribe',
      report,
      originalMessageId: null,
      time: date,
    };
  }

  if (!msg.root.type.startsWith('multipart/')) return null;
  const returned = msg.returned();
  const hotmailRecipient = returned?.headers.get('x-hmxmroriginalrecipient') ?? null;
  const from = (extractAddress(h.get('from')) ?? '').toLowerCase();
  const subject = (h.get('subject') ?? '').toLowerCase();
  const complaintMarker = subject.indexOf('complaint about message from ');
  if (hotmailRecipient === null && !(COMPLAINT_SENDERS.has(from) && complaintMarker >= 0))
    return null;

  // Microsoft JMRP and SES forwards are abuse complaints by definition.
  const report = emptyReport('abuse');
  if (complaintMarker >= 0) {
    const ip = subject.slice(complaintMarker + 'complaint about message from '.length).trim();
    if (ip !== '' && ip.indexOf(' ') < 0) report.source_ip = ip;
  }
  report.original_message = originalMessage(returned, msg.problems);
  const ties = returnedTies(msg, options);
  report.supplemental_trace = ties.trace;
  const arrival = parseDate(h.get('date'));
  report.arrival_date = arrival === null ? null : rfc3339(arrival);
  const hotmail = hotmailOriginalRecipient(returned);
  if (hotmail !== null) report.original_rcpto_to = [hotmail];
  const complained = complainedRecipients(report.original_rcpto_to, ties.trace, returned);
  return {
    kind: 'feedback',
    recipient: complained.recipient,
    recipientFrom: complained.from,
    source: hotmailRecipient !== null ? 'jmrp' : 'amazonses',
    report,
    originalMessageId: ties.originalMessageId,
    time: arrival,
  };
}
