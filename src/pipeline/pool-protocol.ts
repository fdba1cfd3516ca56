// Messages between the analyze pool and its threads.
import type { ClassifierOptions, RulesSource } from '../classify/index';
import type { ParseResult } from '../report/types';

export interface WorkerInit {
  sources: RulesSource[];
  classifier: ClassifierOptions;
}

export type WorkerRequest =
  | { type: 'analyze'; raw: Uint8Array }
  | { type: 'rules'; sources: RulesSource[] };

export type WorkerReply =
  | { type: 'result'; result: ParseResult }
  | { type: 'error'; message: string };
