// Messages between the analyze pool and its threads.
import type { ClassifierOptions, RulesSource } from '../classify/index';
import type { ProcessInput, SerializedOutcome } from './process';

export interface WorkerInit {
  sources: RulesSource[];
  classifier: ClassifierOptions;
  /** The node id records carry. */
  nodeid: string;
}

export type WorkerRequest =
  | { type: 'process'; input: ProcessInput }
  | { type: 'rules'; sources: RulesSource[] };

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'result'; outcome: SerializedOutcome }
  | { type: 'error'; message: string };
