// The output lines of `oobd parse`, made the same way on the main thread and on the
// parse threads (parse-threads.ts), so the order of the work never shows in the output.
import type { ParsedMessage } from '../pipeline/parse-mode';
import { notAMessage, type SourceMessage } from './sources';

/** The output lines of a batch of files, and the notes for standard error (noMessageNote). */
export interface BatchOutput {
  text: string;
  notes: string[];
}

/**
 * What `oobd parse` says on standard error of a message: "FILE: why" when the file
 * (not an mbox's message) gave no record and does not start like a mail message (an
 * empty file, a binary, a PDF or JSON file), else null. Its stdout line is the usual
 * "Unrecognized" one.
 */
export function noMessageNote(message: SourceMessage, parsed: ParsedMessage): string | null {
  if (message.index !== null || parsed.records.length > 0) return null;
  const why = notAMessage(message.raw);
  return why === null
    ? null
    : `${message.file === '-' ? '- (standard input)' : message.file}: ${why}`;
}

/**
 * The output lines of one message: its records with "source_file" (and
 * "source_index") added. With `problems`, a message that has records and of which the
 * parsers noted something (a recipient block that names no recipient, a date that
 * does not parse, ...) gets one more line after them:
 * `{"type":"Problems","source_file":...,"kind":...,"problems":[{"code","detail"}]}`.
 */
export function outputLines(
  message: SourceMessage,
  parsed: ParsedMessage,
  problems = false,
): string {
  const source =
    message.index === null
      ? { source_file: message.file }
      : { source_file: message.file, source_index: message.index };
  if (parsed.records.length === 0) {
    // A report whose recipients are all no bounce (a delay warning) says which.
    const { kind, findings, notBounced, problems } = parsed;
    const line =
      notBounced.length > 0
        ? { type: 'Unrecognized', ...source, kind, findings, not_bounced: notBounced, problems }
        : { type: 'Unrecognized', ...source, kind, findings, problems };
    return `${JSON.stringify(line)}\n`;
  }
  // Each record is a JSON object: the source fields go in before its closing brace.
  const fields = JSON.stringify(source).slice(1);
  let out = '';
  for (const record of parsed.records) out += `${record.slice(0, -1)},${fields}\n`;
  if (problems && parsed.problems.length > 0) {
    const line = { type: 'Problems', ...source, kind: parsed.kind, problems: parsed.problems };
    out += `${JSON.stringify(line)}\n`;
  }
  return out;
}
