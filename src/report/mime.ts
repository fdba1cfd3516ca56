// MIME walk (RFC 2045, RFC 2046 §5.1 multipart, §5.2 message/rfc822, RFC 6532
// message/global): raw octets → a bounded tree of parts with their header fields,
// transfer decoding on demand. Every report parser and the heuristic parsers read a
// message through this walk, never through their own.
//
// The message is held as a binary string (one char per octet) with LF line ends:
// CRLF and CR-only input is normalised once, so `maildir/dos` and `maildir/mac` copies
// of a message read exactly like the LF original. All limits below exist because the
// input is hostile; going over one records a ParseProblem and keeps what was read.
//
// Ours, not mailsplit's or mailparser's: both are streams (parsing would turn
// asynchronous); mailsplit splits the corpus at 3–7× this walk's cost and finds fewer
// parts in 39 of its 513 messages (no walk into a returned message sent as an
// attachment or base64, no delimiters for a multipart that lost its boundary
// parameter); mailparser's whole parse costs 10–17× all of ours
// (bench/building-blocks.js). The decoders the walk calls are libraries (codec.ts).
import {
  binaryBytes,
  decodeBase64,
  decodeCharset,
  decodeQuotedPrintable,
  MAX_DECODED_BYTES,
  type Decoded,
} from './codec';
import { Headers, parseContentType, scanFields } from './header';
import type { ParseProblem } from './types';

/** Most parts walked in one message; later ones are ignored. */
export const MAX_PARTS = 1000;
/** Deepest nesting of multiparts and encapsulated messages that is walked. */
export const MAX_DEPTH = 24;

/** Content types that carry the returned message, or its header section, in a report. */
const RETURNED_TYPES = new Set([
  'message/rfc822',
  'message/global', // RFC 6532 §3.7
  'text/rfc822-headers', // RFC 6522 §4
  'text/rfc822-header', // seen in the wild (Sisimai arf-12)
  'message/rfc822-headers', // seen in the wild
  'message/global-headers', // RFC 6533 §6.3
]);

/** Whether a part of this media type is a returned message or header section (RETURNED_TYPES). */
export function isReturnedType(type: string): boolean {
  return RETURNED_TYPES.has(type);
}

/** Content types whose body is itself a message (parsed as one, within the limits). */
const ENCAPSULATING_TYPES = new Set(['message/rfc822', 'message/global']);

export interface MimePart {
  headers: Headers;
  /** `type/subtype`, lower case (RFC 2045 §5.2 default `text/plain`). */
  type: string;
  /** Content-Type parameters, names lower case. */
  params: Map<string, string>;
  /** Content-Transfer-Encoding, lower case (`7bit` when absent). */
  encoding: string;
  /** Body as a binary string with LF line ends, not transfer-decoded. */
  body: string;
  /** Children of a multipart. */
  parts: MimePart[];
  /** The encapsulated message of a message/rfc822 or message/global part. */
  message: MimePart | null;
  /**
   * The top part of the message this part belongs to: the root, or the encapsulated
   * message of a message/rfc822 part (a part of a returned message is not the bounce's
   * own). Set for every part the walk returns; null only while a part is being built.
   */
  scope: MimePart | null;
  depth: number;
}

/** A decoded text/* part of the message itself (not of a returned message). */
export interface TextPart {
  type: string;
  /** Transfer- and charset-decoded text, LF line ends. */
  text: string;
  part: MimePart;
}

/** The returned message (or its header section) of a report. */
export interface ReturnedMessage {
  part: MimePart;
  /** Header fields of the returned message. */
  headers: Headers;
  /** The returned part, transfer-decoded, as text (UTF-8 where the octets allow). */
  text(): string;
}

/**
 * A message read by the MIME walk. This is the input of every parser in report/,
 * including the non-RFC ones in report/heuristic/.
 */
export interface MimeMessage {
  /** The top-level part: the message itself. */
  readonly root: MimePart;
  /** Top-level header fields (`root.headers`). */
  readonly headers: Headers;
  /** Every walked part in document order, the root first, encapsulated messages included. */
  readonly parts: readonly MimePart[];
  /** What the walk could not use; parsers append their own. */
  readonly problems: ParseProblem[];
  /** Decoded text of the text/* parts of the message itself, in order (memoised). */
  texts(): TextPart[];
  /**
   * `decodedText(part, null)` of one of `parts`, memoised: a part `texts()` decodes
   * is decoded once for both. What decoding notes reaches `problems` only through
   * `texts()`, as before.
   */
  textOf(part: MimePart): string;
  /** The first returned message or header section within `scope` (default: the root). */
  returned(scope?: MimePart): ReturnedMessage | null;
}

interface WalkState {
  count: number;
  all: MimePart[];
  problems: ParseProblem[];
  partsCapped: boolean;
  depthCapped: boolean;
}

/** Turns any line-end convention into LF. */
export function normaliseLineEnds(s: string): string {
  if (s.indexOf('\r') < 0) return s;
  // SMTP delivers CRLF: one pass, then one look for anything else.
  const lf = s.replaceAll('\r\n', '\n');
  if (lf.indexOf('\r') < 0) return lf;
  // CR CR LF is one line end (now CR LF): it is what a CRLF file becomes when a relay
  // or a tool adds CRLF to every line again (seen from smtp-source and broken
  // gateways). A CR left after that is a line end of its own (classic Mac files).
  return lf.replaceAll('\r\n', '\n').replaceAll('\r', '\n');
}

/**
 * Reads a message: raw octets, or a binary string (one char per octet, as Node's
 * latin1 gives). Never throws on any input; what it skips is in `problems`.
 */
export function readMessage(raw: Uint8Array | string): MimeMessage {
  let text: string;
  if (typeof raw === 'string') text = raw;
  else {
    const buf = Buffer.isBuffer(raw)
      ? raw
      : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    text = buf.toString('latin1');
  }
  text = normaliseLineEnds(text);
  const state: WalkState = {
    count: 0,
    all: [],
    problems: [],
    partsCapped: false,
    depthCapped: false,
  };
  const root = walkPart(text, 0, null, 'text/plain', state);
  return new WalkedMessage(root, state.all, state.problems);
}

function walkPart(
  text: string,
  depth: number,
  scope: MimePart | null,
  defaultType: string,
  state: WalkState,
): MimePart {
  state.count++;
  const scan = scanFields(text, 0, true, state.problems);
  const headers = new Headers(scan.fields);
  const ct = parseContentType(headers.raw('content-type'));
  const type = ct?.type ?? defaultType;
  const params = ct?.params ?? new Map<string, string>();
  const cte = headers.raw('content-transfer-encoding');
  const encoding = cte === null ? '7bit' : cte.trim().toLowerCase();
  const part: MimePart = {
    headers,
    type,
    params,
    encoding,
    body: scan.end >= text.length ? '' : text.slice(scan.end),
    parts: [],
    message: null,
    scope,
    depth,
  };
  if (scope === null) part.scope = part;
  state.all.push(part);

  if (type.startsWith('multipart/')) {
    if (depth >= MAX_DEPTH) {
      capDepth(state);
    } else {
      walkMultipart(part, state);
    }
  } else if (ENCAPSULATING_TYPES.has(type)) {
    if (depth >= MAX_DEPTH) {
      capDepth(state);
    } else if (state.count >= MAX_PARTS) {
      capParts(state);
    } else {
      // message/rfc822 must use an identity encoding (RFC 2046 §5.2.1), but
      // message/global may be encoded (RFC 6532 §3.5) and some MTAs encode both.
      let inner =
        encoding === 'base64' || encoding === 'quoted-printable'
          ? normaliseLineEnds(decodeBody(part, state.problems).bytes.toString('latin1'))
          : part.body;
      // Some MTAs put a blank line before the encapsulated header section.
      let skip = 0;
      while (skip < 4 && inner.charCodeAt(skip) === 0x0a) skip++;
      if (skip > 0 && skip < 4) inner = inner.slice(skip);
      part.message = walkPart(inner, depth + 1, null, 'text/plain', state);
    }
  }
  return part;
}

function capDepth(state: WalkState): void {
  if (state.depthCapped) return;
  state.depthCapped = true;
  state.problems.push({
    code: 'mime.too-deep',
    detail: `parts nested deeper than ${MAX_DEPTH} levels were not walked`,
  });
}

function capParts(state: WalkState): void {
  if (state.partsCapped) return;
  state.partsCapped = true;
  state.problems.push({
    code: 'mime.too-many-parts',
    detail: `only the first ${MAX_PARTS} parts were walked`,
  });
}

function isWsp(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/**
 * RFC 2046 §5.1.1: a delimiter line is "--" boundary at the start of a line,
 * followed by "--" (the close delimiter) or by transport padding only. The line
 * end before a delimiter belongs to the delimiter.
 */
function walkMultipart(part: MimePart, state: WalkState): void {
  const body = part.body;
  let boundary = part.params.get('boundary') ?? '';
  if (boundary === '') {
    boundary = guessBoundary(body);
    if (boundary === '') {
      state.problems.push({
        code: 'mime.boundary-missing',
        detail: `${part.type} without a boundary parameter`,
      });
      return;
    }
  }
  const delim = '--' + boundary;
  const lineDelim = '\n' + delim;
  const childType = part.type === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
  const find = (from: number): number => {
    const i = body.indexOf(lineDelim, from);
    return i < 0 ? -1 : i + 1;
  };
  let idx = body.startsWith(delim) ? 0 : find(0);
  let partStart = -1;
  let closed = false;
  let found = false;
  const scope = part.scope;
  while (idx >= 0) {
    const after = idx + delim.length;
    const isClose = body.charCodeAt(after) === 0x2d && body.charCodeAt(after + 1) === 0x2d;
    let lineEnd = body.indexOf('\n', after);
    if (lineEnd < 0) lineEnd = body.length;
    if (!isClose) {
      let j = after;
      while (j < lineEnd && isWsp(body.charCodeAt(j))) j++;
      if (j < lineEnd) {
        idx = find(after);
        continue;
      }
    }
    found = true;
    if (partStart >= 0) {
      if (
        !addChild(
          part,
          body.slice(partStart, Math.max(partStart, idx - 1)),
          childType,
          scope,
          state,
        )
      )
        return;
    }
    if (isClose) {
      closed = true;
      break;
    }
    partStart = lineEnd + 1;
    idx = find(lineEnd);
  }
  if (!found) {
    state.problems.push({
      code: 'mime.boundary-not-found',
      detail: `no "--${boundary}" delimiter in the ${part.type} body`,
    });
    return;
  }
  if (!closed && partStart >= 0) {
    state.problems.push({
      code: 'mime.unterminated-multipart',
      detail: `${part.type} has no close delimiter; its last part runs to the end`,
    });
    if (partStart <= body.length) addChild(part, body.slice(partStart), childType, scope, state);
  }
}

function addChild(
  parent: MimePart,
  text: string,
  childType: string,
  scope: MimePart | null,
  state: WalkState,
): boolean {
  if (state.count >= MAX_PARTS) {
    capParts(state);
    return false;
  }
  parent.parts.push(walkPart(text, parent.depth + 1, scope, childType, state));
  return true;
}

/** A multipart without a boundary parameter: take the first line that looks like a delimiter. */
function guessBoundary(body: string): string {
  let pos = 0;
  for (let lines = 0; lines < 200 && pos < body.length; lines++) {
    let nl = body.indexOf('\n', pos);
    if (nl < 0) nl = body.length;
    if (body.startsWith('--', pos) && nl - pos > 3 && nl - pos <= 72) {
      return body.slice(pos + 2, nl).trim();
    }
    pos = nl + 1;
  }
  return '';
}

/** The part's body is base64 or quoted-printable (anything else is read as it is). */
export function transferEncoded(part: MimePart): boolean {
  return part.encoding === 'base64' || part.encoding === 'quoted-printable';
}

/** Transfer-decodes a part body (base64, quoted-printable; anything else is identity). */
export function decodeBody(part: MimePart, problems: ParseProblem[] | null): Decoded {
  let d: Decoded;
  const enc = part.encoding;
  if (enc === 'base64') d = decodeBase64(part.body);
  else if (enc === 'quoted-printable') d = decodeQuotedPrintable(part.body);
  else {
    const body =
      part.body.length > MAX_DECODED_BYTES ? part.body.slice(0, MAX_DECODED_BYTES) : part.body;
    d = { bytes: binaryBytes(body), invalid: 0, truncated: body.length < part.body.length };
  }
  if (problems !== null) {
    if (d.invalid > 0)
      problems.push({
        code: 'mime.bad-base64',
        detail: `${d.invalid} characters outside the base64 alphabet in a ${part.type} part`,
      });
    if (d.truncated)
      problems.push({
        code: 'mime.part-truncated',
        detail: `a ${part.type} part was cut at ${MAX_DECODED_BYTES} decoded bytes`,
      });
  }
  return d;
}

/** A part's body as a binary string: transfer-decoded, line ends normalised. */
export function decodedBinary(part: MimePart, problems: ParseProblem[] | null): string {
  if (!transferEncoded(part) && part.body.length <= MAX_DECODED_BYTES) return part.body;
  return normaliseLineEnds(decodeBody(part, problems).bytes.toString('latin1'));
}

/** A part's body as Unicode text: transfer- and charset-decoded (charset from the part, else `fallbackCharset`). */
export function decodedText(
  part: MimePart,
  problems: ParseProblem[] | null,
  fallbackCharset = 'utf-8',
): string {
  const d = decodeBody(part, problems);
  const text = decodeCharset(d.bytes, part.params.get('charset') ?? fallbackCharset);
  return normaliseLineEnds(text);
}

class WalkedMessage implements MimeMessage {
  readonly headers: Headers;
  private textCache: TextPart[] | null = null;
  /** Decoded text of a part, and the problems decoding it noted (`texts()` reports them). */
  private readonly decoded = new Map<MimePart, { text: string; problems: ParseProblem[] }>();

  constructor(
    readonly root: MimePart,
    readonly parts: readonly MimePart[],
    readonly problems: ParseProblem[],
  ) {
    this.headers = root.headers;
  }

  texts(): TextPart[] {
    if (this.textCache !== null) return this.textCache;
    const out: TextPart[] = [];
    for (const part of this.parts) {
      if (part.scope !== this.root) continue;
      const leafText = part.type.startsWith('text/') && !RETURNED_TYPES.has(part.type);
      // A multipart whose delimiters were never found is text too: its body is all we have.
      const unsplit = part.type.startsWith('multipart/') && part.parts.length === 0;
      if (!leafText && !unsplit) continue;
      const d = this.decode(part);
      for (const p of d.problems) this.problems.push(p);
      out.push({ type: part.type, text: d.text, part });
    }
    this.textCache = out;
    return out;
  }

  textOf(part: MimePart): string {
    return this.decode(part).text;
  }

  private decode(part: MimePart): { text: string; problems: ParseProblem[] } {
    let d = this.decoded.get(part);
    if (d === undefined) {
      const problems: ParseProblem[] = [];
      d = { text: decodedText(part, problems), problems };
      this.decoded.set(part, d);
    }
    return d;
  }

  returned(scope: MimePart = this.root): ReturnedMessage | null {
    for (const part of this.parts) {
      if (part.scope !== scope || part === scope || !RETURNED_TYPES.has(part.type)) continue;
      return returnedMessage(part, this.problems);
    }
    return null;
  }
}

function returnedMessage(part: MimePart, problems: ParseProblem[]): ReturnedMessage {
  let headers: Headers;
  if (part.message !== null) headers = part.message.headers;
  else {
    const text = decodedBinary(part, problems);
    // Header-only parts: the fields start at once; a leading blank line is tolerated.
    let start = 0;
    while (start < text.length && text.charCodeAt(start) === 0x0a) start++;
    headers = new Headers(scanFields(text, start, true, null).fields);
  }
  let cached: string | null = null;
  return {
    part,
    headers,
    text(): string {
      if (cached === null) {
        const bin = decodedBinary(part, problems);
        cached = Buffer.from(bin, 'latin1').toString('utf8');
      }
      return cached;
    },
  };
}

/** Lower-case name of a part's Content-Disposition (`inline`, `attachment`), or ''. */
export function dispositionOf(part: MimePart): string {
  const v = part.headers.raw('content-disposition');
  if (v === null) return '';
  const semi = v.indexOf(';');
  return (semi < 0 ? v : v.slice(0, semi)).trim().toLowerCase();
}
