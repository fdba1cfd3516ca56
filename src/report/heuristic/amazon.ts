// Amazon SES notifications delivered by e-mail through SNS ("AWS Notification
// Message", x-amz-sns-message-id): the body is SES's JSON event, lines longer
// than SNS's limit split with a "!" at the end and a space at the start of the
// next, then "--" and SNS's footer. Optionally wrapped in SNS's own envelope
// ({"Type":"Notification","Message":"<the event as a JSON string>"}).
// * "Bounce": one finding per bounce.bouncedRecipients entry, with its status and
//   diagnosticCode; bounceSubType says what SES knows when there is no reply.
// * "Complaint": one Feedback finding for complaint.complainedRecipients.
// * "Delivery" and other events report no failure and yield nothing.
// https://docs.aws.amazon.com/ses/latest/dg/notification-contents.html
import { isEmailAddress } from '../address';
import { parseDate } from '../date';
import { cleanMessageId } from '../dsn';
import { parseStatus } from '../reply';
import { rfc3339, type FeedbackReport } from '../../values';
import type { FeedbackFinding, Finding } from '../types';
import {
  EVIDENCE,
  MAX_RECIPIENTS,
  splitLines,
  toFindings,
  type Bounce,
  type Failure,
  type Family,
} from './common';

/** Most characters of JSON that are parsed. */
const MAX_JSON = 512 * 1024;

/** SES's words for a bounce without a diagnostic code, by bounceSubType. */
const SUBTYPES: Record<string, string> = {
  NoEmail: 'the recipient email address does not exist',
  Suppressed:
    'the recipient is on the Amazon SES suppression list: it has a recent history of bouncing as an invalid address',
  OnAccountSuppressionList: 'the recipient is on the account-level suppression list',
  MailboxFull: 'mailbox full',
  MessageTooLarge: 'message too large',
  ContentRejected: 'message content rejected',
  AttachmentRejected: 'attachment rejected',
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function obj(v: Json | undefined): { [key: string]: Json } | null {
  return v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v) ? v : null;
}

function str(v: Json | undefined): string | null {
  return typeof v === 'string' ? v : null;
}

function arr(v: Json | undefined): Json[] {
  return Array.isArray(v) ? v : [];
}

/** The JSON text of the body: SNS's "!"-split lines joined, up to the "--" footer line. */
function jsonText(body: string): string {
  let out = '';
  let folded = false;
  for (const line of splitLines(body.length > MAX_JSON ? body.slice(0, MAX_JSON) : body)) {
    if (line === '--') break;
    let l: string = folded && line.startsWith(' ') ? line.slice(1) : line;
    folded = l.endsWith('!');
    if (folded) l = l.slice(0, -1);
    out += l;
  }
  return out;
}

function parseJson(text: string): Json | undefined {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

function feedback(
  event: { [key: string]: Json },
  complaint: { [key: string]: Json },
): FeedbackFinding | null {
  const recipients = arr(complaint['complainedRecipients'])
    .map((r) => str(obj(r)?.['emailAddress']))
    .filter((a): a is string => a !== null && isEmailAddress(a))
    .slice(0, MAX_RECIPIENTS);
  if (recipients.length === 0) return null;
  const mail = obj(event['mail']);
  const arrival = parseDate(str(complaint['arrivalDate']) ?? str(mail?.['timestamp']));
  const source = str(mail?.['source']);
  const report: FeedbackReport = {
    feedback_type: str(complaint['complaintFeedbackType']) ?? 'abuse',
    user_agent: str(complaint['userAgent']) ?? '',
    version: '',
    arrival_date: arrival === null ? null : rfc3339(arrival),
    incidents: null,
    original_envelope_id: null,
    original_mail_from: source,
    reporting_mta: null,
    source_ip: str(mail?.['sourceIp']),
    authentication_results: [],
    original_rcpto_to: recipients,
    reported_domain: [],
    reported_uri: [],
    extensions: {},
    original_message: null,
    supplemental_trace: null,
  };
  const headers = obj(mail?.['commonHeaders']);
  const messageId = str(headers?.['messageId']);
  return {
    kind: 'feedback',
    recipient: recipients.length === 1 ? (recipients[0] as string) : recipients,
    // SES's complainedRecipients: the recipients of the complained-about message.
    recipientFrom: 'original-rcpt-to',
    source: 'amazonses',
    report,
    originalMessageId: messageId === null ? null : cleanMessageId(messageId),
    time: parseDate(str(complaint['timestamp'])) ?? arrival,
  };
}

/** RFC 3464 §2.3.3 Action values, as SES copies them into a bounced recipient's `action`. */
const DSN_ACTIONS = new Set(['failed', 'delayed', 'delivered', 'relayed', 'expanded']);

/**
 * A bounced recipient's Action. SES's `action` is "the value of the Action field from
 * the DSN" (SES Developer Guide, "Contents of notifications", bouncedRecipients): what
 * the reporting MTA did, whatever the bounceType. Without one, a Bounce event is a
 * failure: SES sends it once it has stopped trying the message ("Transient" only says a
 * later message may get through) and reports delays as separate DeliveryDelay events.
 */
function bouncedAction(recipient: { [key: string]: Json } | null): string {
  const action = (str(recipient?.['action']) ?? '').trim().toLowerCase();
  return DSN_ACTIONS.has(action) ? action : 'failed';
}

/** A recipient SES reports delivered, relayed or expanded did not bounce (no record). */
function bounced(action: string): action is 'failed' | 'delayed' {
  return action === 'failed' || action === 'delayed';
}

function bounceFailures(bounce: { [key: string]: Json }): Failure[] {
  const subtype = str(bounce['bounceSubType']) ?? '';
  const time = parseDate(str(bounce['timestamp']));
  const out: Failure[] = [];
  for (const r of arr(bounce['bouncedRecipients'])) {
    const o = obj(r);
    const address = str(o?.['emailAddress']);
    if (address === null || !isEmailAddress(address)) continue;
    const action = bouncedAction(o);
    if (!bounced(action)) continue;
    let diagnosis = str(o?.['diagnosticCode']) ?? '';
    const semi = diagnosis.indexOf(';');
    if (semi > 0 && semi < 20 && diagnosis.slice(0, semi).indexOf(' ') < 0)
      diagnosis = diagnosis.slice(semi + 1).trim();
    if (diagnosis === '') diagnosis = SUBTYPES[subtype] ?? '';
    out.push({
      recipient: address,
      diagnosis,
      status: parseStatus(str(o?.['status'])).code,
      action,
      time,
    });
    if (out.length >= MAX_RECIPIENTS) break;
  }
  return out;
}

/**
 * SES's event fields as they open the JSON (escaped inside SNS's "Message" string):
 * the structure tells an SES event where the SNS header field was dropped (a forward,
 * an anonymised report; a notification taken for nothing was reported in
 * https://github.com/mautic/mautic/issues/8903).
 */
const EVENT_FIELDS = [
  '"notificationtype"',
  '\\"notificationtype\\"',
  '"eventtype"',
  '\\"eventtype\\"',
];

export const amazonSes: Family = {
  name: 'amazonses',
  detect(b) {
    const body = b.body().trimStart();
    if (!body.startsWith('{')) return EVIDENCE.none;
    if (b.has('x-amz-sns-message-id')) return EVIDENCE.sender;
    const head = body.slice(0, 4096).toLowerCase();
    return EVENT_FIELDS.some((f) => head.indexOf(f) >= 0) ? EVIDENCE.marker : EVIDENCE.none;
  },
  parse(b: Bounce): Finding[] {
    let event = obj(parseJson(jsonText(b.body())));
    // SNS's envelope: the event is a JSON string in "Message".
    const inner = str(event?.['Message']);
    if (inner !== null) event = obj(parseJson(inner.length > MAX_JSON ? '' : inner));
    if (event === null) return [];
    const type = str(event['notificationType']) ?? str(event['eventType']);
    if (type === 'Complaint') {
      const c = obj(event['complaint']);
      const f = c === null ? null : feedback(event, c);
      return f === null ? [] : [f];
    }
    if (type !== 'Bounce') return [];
    const bounce = obj(event['bounce']);
    if (bounce === null) return [];
    const findings = toFindings(b, 'amazonses', bounceFailures(bounce), {});
    const reporting = str(bounce['reportingMTA']);
    const messageId = str(obj(event['mail'])?.['messageId']);
    for (const f of findings) {
      if (reporting !== null)
        f.report.reporting_mta = reporting.slice(reporting.indexOf(';') + 1).trim();
      f.report.original_message_id ??= messageId;
    }
    return findings;
  },
};
