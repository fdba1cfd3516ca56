// Messages between the analyze pool and its threads.
import type { ClassifierOptions, RulesSource } from '../classify/index';
import type { ProcessInput, SerializedOutcome } from './process';

export interface WorkerInit {
  sources: RulesSource[];
  classifier: ClassifierOptions;
  /** The node id records carry. */
  nodeid: string;
  /** Answers older than this are sent before the next message is started. */
  flushMs: number;
}

/**
 * Messages travel in batches (all that are ready when the sender looks), so a busy
 * pool pays one message-port round trip for many messages, not one each.
 */
export type WorkerRequest =
  | { type: 'process'; inputs: ProcessInput[] }
  | { type: 'rules'; sources: RulesSource[] };

/** One answer per input, in the order of the inputs. */
export type TaskReply = { type: 'result'; outcome: SerializedOutcome } | { type: 'error'; message: string };

export type WorkerReply = { type: 'ready' } | { type: 'replies'; replies: TaskReply[] };
