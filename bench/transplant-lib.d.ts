// Types of bench/transplant-lib.js for test/unit/report/transplant.test.ts.
import type { Classifier } from '../src/classify/index';
import type { ReplyContext } from '../src/classify/context';
import type { ParseResult } from '../src/report/types';
import type { Finding, OobFinding, Reply } from '../src/report/types';
import type { OobInference } from '../src/values';

/** A donor reply: its lines (`{rcpt}` stands for the failed recipient). */
export interface Donor {
  name: string;
  lines: string[];
  /** A reply longer than a line: not put where a notice writes its own few words. */
  long?: boolean;
}

/** What a transplant broke: `detected`, `recipient`, `content`, `code`, `enhanced`, `label`. */
export interface TransplantFailure {
  kind: string;
  detail: string;
}

export interface TransplantResult {
  donor: string;
  text: string;
  failures: TransplantFailure[];
  /** The parser still reads the original reply (a copy the transplant did not find). */
  missed?: boolean;
  /** The text replaced was the notice's own sentence, not a reply. */
  template?: boolean;
  /** The donor's shape has no place where the message carries the reply (not transplanted). */
  skipped?: boolean;
}

/** The parser and classifier under test (src/ in jest, dist/ in the benchmark). */
export interface TransplantDeps {
  parseMessage(raw: Uint8Array): ParseResult;
  isBounce(finding: Finding): boolean;
  labelFindings(result: ParseResult, classifier: Classifier): ParseResult;
  replyContext(finding: OobFinding): ReplyContext;
  inferenceReply(inferred: OobInference): Reply;
  classifier: Classifier;
}

export const DONORS: readonly Donor[];

/** How many of DONORS (the first) were there before the widened shapes. */
export const OLD_DONORS: number;

/** Every donor transplanted into the message (latin1 text); null when it has no reply to replace. */
export function checkMessage(
  deps: TransplantDeps,
  message: string,
  donors?: readonly Donor[],
): TransplantResult[] | null;

/** Quoted-printable and base64 text parts decoded and marked 8bit. */
export function decodeParts(raw: string): string;
