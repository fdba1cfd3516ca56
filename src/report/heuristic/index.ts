// Non-RFC bounces (DESIGN.md §5): the text NDRs of qmail, Exim, Sendmail, Postfix,
// Exchange, Domino, Courier and the providers, one family per file in this folder.
// PLACEHOLDER until those parsers land: recognises nothing.
import type { MimeMessage } from '../mime';
import type { OobFinding } from '../types';

/**
 * Called by `parseMessage` when no RFC parser (DSN, ARF, MDN, auto-reply) found
 * anything. `msg` is the MIME walk of the message (report/mime.ts):
 * - `msg.headers.get(name)`: top-level header fields (lower-case names, unfolded, Unicode);
 * - `msg.texts()`: the decoded text of every text/* part of the bounce itself (not of
 *   the returned message), in order, with its content type;
 * - `msg.returned()`: the returned message or header section (its `headers`, its `text()`),
 *   or null;
 * - `msg.parts`: every walked part, for formats that need more.
 *
 * Returns one finding per failed recipient (`report.source` = `heuristic:<family>`),
 * or an empty list when no family recognises the message. Problems go to
 * `msg.problems`. Must not throw: parseMessage catches, but only as a last defence.
 */
export function parseHeuristic(_msg: MimeMessage): OobFinding[] {
  return [];
}
