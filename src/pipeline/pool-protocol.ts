// Messages between the analyze pool and its threads.
import type { ClassifierOptions, RulesSource } from '../classify/index';
import type { ParseOptions } from '../report/types';
import type { ProcessInput, SerializedOutcome } from './process';

export interface WorkerInit {
  sources: RulesSource[];
  classifier: ClassifierOptions;
  /** The node id records carry. */
  nodeid: string;
  /** What the parsers are told (`[reports]` of the config). */
  parse: ParseOptions;
}

/**
 * Requests travel in batches (all that are ready when the pool looks), so a busy pool
 * pays one message-port round trip for many messages, not one each. Answers go back
 * one message at a time, as each is made (pool-worker.ts).
 */
export type WorkerRequest =
  { type: 'process'; inputs: WireInput[] } | { type: 'rules'; sources: RulesSource[] };

/** A ProcessInput as posted: `raw` in `wireBytes`' form (below). */
export interface WireInput extends Omit<ProcessInput, 'raw'> {
  raw: string | Uint8Array;
}

/** One answer per input, in the order of the inputs. */
export type TaskReply =
  { type: 'result'; outcome: SerializedOutcome } | { type: 'error'; message: string };

export type WorkerReply = { type: 'ready' } | { type: 'replies'; replies: TaskReply[] };

/** Messages up to this size travel to a thread as a Latin-1 string (see `wireBytes`). */
export const STRING_WIRE_MAX = 64 * 1024;

/**
 * The message as it is posted to a thread. Up to STRING_WIRE_MAX bytes it is a
 * Latin-1 string (one char per octet: the parser reads it as it reads the bytes): cloning
 * a flat string is a copy, while cloning a Uint8Array also allocates and registers a
 * backing store on both sides, which cost the SMTP thread more than the copy itself
 * (measured: 3.2 -> 1.9 µs per message). A larger message goes as bytes in an
 * ArrayBuffer of its own: a small Buffer is usually a view into Node's shared 8 KiB
 * pool, and postMessage clones a view's whole ArrayBuffer.
 */
export function wireBytes(raw: Uint8Array): string | Uint8Array {
  if (raw.byteLength <= STRING_WIRE_MAX) {
    return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('latin1');
  }
  return raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength
    ? raw
    : new Uint8Array(raw);
}
