// `oobd parse` records: what `serve` would write for a message on a domain with
// log_oob and log_arf on, without the Reception record, with a fixed context so
// the same file always prints the same lines. Pure; runs in-process or on the
// processing pool's threads.
import { createHash } from 'node:crypto';
import type { Classifier } from '../classify/index';
import type { ReportKind, ParseProblem } from '../report/types';
import { readHeaderFields } from '../smtp/sniff';
import { analyze } from './process';
import { buildRecords } from './records';

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

export interface ParsedMessage {
  /** Each record as JSON, without a trailing newline. */
  records: string[];
  kind: ReportKind;
  findings: number;
  problems: ParseProblem[];
}

/**
 * Deterministic id for a message: the same bytes always get the same record ids.
 * MD5 is exactly the 32 hex characters of an id and the cheapest digest; it names
 * messages here, it protects nothing.
 */
function messageId(raw: Uint8Array): string {
  return createHash('md5').update(raw).digest('hex');
}

/** The address a report was sent to, from the headers MTAs add at final delivery. */
export function reportAddress(raw: Uint8Array): string {
  const fields = readHeaderFields(raw);
  for (const name of ['delivered-to', 'x-original-to', 'envelope-to', 'to']) {
    const field = fields.find((f) => f.name === name);
    if (!field) continue;
    const lt = field.value.indexOf('<');
    const gt = field.value.indexOf('>', lt + 1);
    const addr = (lt >= 0 && gt > lt ? field.value.slice(lt + 1, gt) : (field.value.split(',')[0] ?? '')).trim();
    if (addr.includes('@')) return addr;
  }
  return '';
}

export function parseModeRecords(raw: Uint8Array, classifier: Classifier, to: string | null, now: Date): ParsedMessage {
  const result = analyze(raw, classifier);
  const address = to ?? reportAddress(raw);
  const at = address.lastIndexOf('@');
  const records = buildRecords(
    result,
    {
      id: messageId(raw),
      created: now,
      nodeid: ZERO_UUID,
      session_id: ZERO_UUID,
      reportAddress: address,
      queue: at >= 0 ? address.slice(at + 1).toLowerCase() : '',
      peerAddr: '',
      now,
    },
    { oob: true, arf: true },
  );
  return {
    records: records.map((r) => JSON.stringify(r)),
    kind: result.kind,
    findings: result.findings.length,
    problems: result.problems,
  };
}
