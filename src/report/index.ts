// Entry point of the pure parsers: raw message bytes in, findings out.
// PLACEHOLDER until the parsing issue lands: recognises nothing.
import type { ParseResult } from './types';

export function parseMessage(_raw: Uint8Array): ParseResult {
  return { kind: 'none', findings: [], problems: [] };
}
