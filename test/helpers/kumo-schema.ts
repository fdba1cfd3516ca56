// KumoMTA's log record shape, written from its public type (kumo-log-types
// `JsonLogRecord`, `ResolvedAddress`, `RecordType`; rfc5321 `Response` and
// `EnhancedStatusCode`; kumo-log-types rfc5965 `ARFReport` and rfc3464 `RemoteMta`) as
// serde deserialises it: what a KumoMTA user's consumer, deserialising a line with
// KumoMTA's record types, requires of it. Facts of its types, not its code:
//
// * a field is required unless its type is `Option<T>` (serde gives `None` for a missing
//   one, and reads `null` as `None`) or it is `#[serde(default)]`;
// * integers are unsigned where the Rust type is (`u8`, `u16`, `u32`, `u64`), and
//   `timestamp`/`created` are `chrono::serde::ts_seconds` (an integer of seconds);
// * `peer_address.addr` is an IP address (`IpAddr`; later versions a `HostAddress`,
//   which also reads an IP address), never `""`;
// * `type` is one of the `RecordType` variants, anything else is refused;
// * `recipient` is a string (multi-recipient versions read a list as well);
// * `nodeid` and `session_id` are UUIDs;
// * keys KumoMTA does not know (oobd's `event_time`, `created_time`, `oob_report`,
//   `feedback_detail`, `mdn_report`) are ignored: its structs do not deny unknown fields.
import { isIP } from 'node:net';
import { z } from 'zod';

const u8 = z.number().int().min(0).max(0xff);
const u16 = z.number().int().min(0).max(0xffff);
const u32 = z.number().int().min(0).max(0xffff_ffff);
const u64 = z.number().int().min(0);
/** `chrono::serde::ts_seconds`: whole seconds since the epoch. */
const tsSeconds = z.number().int();
const uuid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'a UUID');
const ipAddr = z.string().refine((s) => isIP(s) !== 0, 'an IP address');
/** chrono's `DateTime<Utc>` from a string: RFC 3339 with an offset. */
const rfc3339 = z.iso.datetime({ offset: true });
/** `Option<T>`: missing or null reads as None. */
const opt = <T extends z.ZodType>(t: T) => t.nullish();

/** kumo-log-types `RecordType` (its `Any` only matches in logging config, never written). */
export const KUMO_RECORD_TYPES = [
  'Reception',
  'Delivery',
  'Bounce',
  'TransientFailure',
  'Expiration',
  'AdminBounce',
  'OOB',
  'Feedback',
  'Rejection',
  'AdminRebind',
  'DeferredInjectionRebind',
] as const;

/** rfc5321 `EnhancedStatusCode`. */
const enhancedStatusCode = z.object({ class: u8, subject: u16, detail: u16 });

/** rfc5321 `Response`. */
const response = z.object({
  code: u16,
  enhanced_code: opt(enhancedStatusCode),
  content: z.string(),
  command: opt(z.string()),
});

/** kumo-log-types `ResolvedAddress`. */
const resolvedAddress = z.object({ name: z.string(), addr: ipAddr });

/** kumo-log-types rfc3464 `RemoteMta`. */
const remoteMta = z.object({ mta_type: z.string(), name: z.string() });

/** kumo-log-types rfc5965 `ARFReport`. */
export const kumoArfReport = z.object({
  feedback_type: z.string(),
  user_agent: z.string(),
  version: z.string(),
  arrival_date: opt(rfc3339),
  incidents: opt(u32),
  original_envelope_id: opt(z.string()),
  original_mail_from: opt(z.string()),
  reporting_mta: opt(remoteMta),
  source_ip: opt(z.string()),
  authentication_results: z.array(z.string()).optional(),
  original_rcpto_to: z.array(z.string()).optional(),
  reported_domain: z.array(z.string()).optional(),
  reported_uri: z.array(z.string()).optional(),
  extensions: z.record(z.string(), z.array(z.string())),
  original_message: opt(z.string()),
  supplemental_trace: opt(z.json()),
});

/** kumo-log-types `MaybeProxiedSourceAddress` (oobd always writes null). */
const sourceAddress = z.object({
  address: z.string(),
  server: opt(z.string()),
  protocol: opt(z.string()),
});

/** kumo-log-types `JsonLogRecord`. */
export const kumoJsonLogRecord = z.object({
  type: z.enum(KUMO_RECORD_TYPES),
  id: z.string(),
  sender: z.string(),
  recipient: z.union([z.string(), z.array(z.string())]),
  queue: z.string(),
  site: z.string(),
  size: u64,
  response,
  peer_address: opt(resolvedAddress),
  timestamp: tsSeconds,
  created: tsSeconds,
  num_attempts: u16,
  // `BounceClass`: a predefined label or a user-defined one, by name.
  bounce_classification: z.string(),
  egress_pool: opt(z.string()),
  egress_source: opt(z.string()),
  source_address: opt(sourceAddress),
  feedback_report: opt(kumoArfReport),
  meta: z.record(z.string(), z.unknown()),
  headers: z.record(z.string(), z.unknown()),
  delivery_protocol: opt(z.string()),
  reception_protocol: opt(z.string()),
  nodeid: uuid,
  tls_cipher: opt(z.string()),
  tls_protocol_version: opt(z.string()),
  tls_peer_subject_name: opt(z.array(z.string())),
  provider_name: opt(z.string()),
  session_id: opt(uuid),
});

/** What is wrong with a record as KumoMTA reads it (`path: message` lines); empty when nothing. */
export function kumoSchemaProblems(record: unknown): string[] {
  const result = kumoJsonLogRecord.safeParse(record);
  if (result.success) return [];
  return result.error.issues.map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`);
}
