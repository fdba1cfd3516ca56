// VERP (variable envelope return path): a sender encodes who a message went to (and
// often which message) in its return-path address, so the bounce, sent to that
// address, says so even when its text does not ("bounce-1234-jane=example.com@
// bounces.example.net"; the form D. J. Bernstein's VERP note describes: the recipient's
// `@` written as `=`). A per-domain `verp` pattern (listener_domains.toml) decodes the
// envelope recipient a report arrived for into its named parts.
//
// Two forms:
//   * a template, `bounce-{id}-{local}={domain}@`: literal text and `{name}` parts.
//     Text before the `@` matches the local part; text after it the domain (nothing
//     after it: any domain; no `@` at all: the local part alone). `{local}` and
//     `{domain}` make `recipient` (`local@domain`); `{recipient}` names it whole.
//     Literal text matches case-insensitively (MTAs lower-case return paths).
//   * `{ regex = "..." }`: an RE2 expression with named groups (`(?P<id>...)` or
//     `(?<id>...)`), matched case-insensitively against the whole address.
//
// Pure: RE2 (linear time) on the address, which a remote client chose.
import RE2 from 're2';

/** A `verp` value of listener_domains.toml, as written. */
export type VerpSpec = string | { regex: string };

export interface VerpPattern {
  /** The spec as written, for messages. */
  source: string;
  re: RE2;
  /** The named parts, in order. */
  names: readonly string[];
}

/** A spec that does not compile: the message says what to fix. */
export class VerpPatternError extends Error {}

const NAME_START = (c: number) =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
const NAME_CHAR = (c: number) => NAME_START(c) || (c >= 0x30 && c <= 0x39);

/** RE2 text matching `s` literally. */
function escapeLiteral(s: string): string {
  let out = '';
  for (const ch of s) out += '\\^$.|?*+()[]{}/-'.includes(ch) ? `\\${ch}` : ch;
  return out;
}

/** The expression of one `{name}` part: what it may span. */
function partExpression(name: string, inDomain: boolean): string {
  // A domain has no `@` and, in the VERP form, no `=`; a local part may hold anything
  // but `@`, so `{local}` takes all it can (`a=b=example.com` → local `a=b`).
  if (name === 'domain') return `(?P<domain>[^@=]+)`;
  if (name === 'local') return `(?P<local>[^@]+)`;
  if (name === 'recipient') return `(?P<recipient>[^@]+@[^@]+)`;
  return inDomain ? `(?P<${name}>[^@.]+?)` : `(?P<${name}>[^@]+?)`;
}

function compileTemplate(template: string): { expression: string; names: string[] } {
  const names: string[] = [];
  const at = template.indexOf('@');
  const convert = (text: string, inDomain: boolean): string => {
    let out = '';
    let literal = '';
    for (let i = 0; i < text.length; i++) {
      const ch = text[i] as string;
      if (ch === '}') throw new VerpPatternError(`a "}" without its "{" at character ${i + 1}`);
      if (ch !== '{') {
        literal += ch;
        continue;
      }
      const end = text.indexOf('}', i + 1);
      if (end < 0) throw new VerpPatternError(`a "{" without its "}" at character ${i + 1}`);
      const name = text.slice(i + 1, end);
      let valid = name.length > 0 && name.length <= 32 && NAME_START(name.charCodeAt(0));
      for (let j = 1; valid && j < name.length; j++) valid = NAME_CHAR(name.charCodeAt(j));
      if (!valid)
        throw new VerpPatternError(
          `"{${name}}" is not a part name (letters, digits and "_", starting with a letter)`,
        );
      if (names.includes(name)) throw new VerpPatternError(`"{${name}}" appears twice`);
      names.push(name);
      out += escapeLiteral(literal) + partExpression(name, inDomain);
      literal = '';
      i = end;
    }
    return out + escapeLiteral(literal);
  };
  if (at < 0) return { expression: `^${convert(template, false)}@[^@]*$`, names };
  if (template.indexOf('@', at + 1) >= 0) throw new VerpPatternError('more than one "@"');
  const local = convert(template.slice(0, at), false);
  const domain = template.slice(at + 1);
  return {
    expression: `^${local}@${domain === '' ? '[^@]*' : convert(domain, true)}$`,
    names,
  };
}

/** Named groups of an RE2 expression, in order (`(?P<n>` and `(?<n>`). */
function groupNames(expression: string): string[] {
  const names: string[] = [];
  for (let i = expression.indexOf('(?'); i >= 0; i = expression.indexOf('(?', i + 2)) {
    if (i > 0 && expression[i - 1] === '\\') continue;
    let j = i + 2;
    if (expression[j] === 'P') j++;
    if (expression[j] !== '<') continue;
    const end = expression.indexOf('>', j);
    if (end < 0) continue;
    const name = expression.slice(j + 1, end);
    if (name !== '' && !names.includes(name)) names.push(name);
  }
  return names;
}

/**
 * Compiles a `verp` spec.
 * @throws VerpPatternError when the template or expression is malformed or names no part.
 */
export function compileVerp(spec: VerpSpec): VerpPattern {
  let expression: string;
  let names: string[];
  let source: string;
  if (typeof spec === 'string') {
    source = spec;
    if (spec.trim() === '') throw new VerpPatternError('the template is empty');
    ({ expression, names } = compileTemplate(spec));
  } else {
    source = `{ regex = ${JSON.stringify(spec.regex)} }`;
    expression = spec.regex;
    names = groupNames(expression);
  }
  let re: RE2;
  try {
    re = new RE2(expression, 'iu');
  } catch (err) {
    throw new VerpPatternError(
      `not a valid RE2 expression: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (names.length === 0)
    throw new VerpPatternError(
      typeof spec === 'string'
        ? 'the template names no part: write parts as {id}, {local}, {domain} ...'
        : 'the expression has no named group: write them as (?P<id>...)',
    );
  return { source, re, names };
}

const cache = new Map<string, VerpPattern | null>();

/**
 * A spec compiled once per process (specs come with each message's policy, and the
 * same few specs come every time); null when it does not compile (the config loader
 * refuses such specs, so this only happens to a job queued by another version).
 */
export function cachedVerp(spec: VerpSpec): VerpPattern | null {
  const key = typeof spec === 'string' ? `t${spec}` : `r${spec.regex}`;
  let pattern = cache.get(key);
  if (pattern === undefined) {
    try {
      pattern = compileVerp(spec);
    } catch {
      pattern = null;
    }
    if (cache.size >= 1000) cache.clear();
    cache.set(key, pattern);
  }
  return pattern;
}

/** Longest envelope address decoded (RFC 5321 §4.5.3.1.3: a path is at most 256 octets). */
const MAX_ADDRESS = 512;

/**
 * The named parts of an envelope address under a pattern, plus `recipient`
 * (`local@domain`) when the pattern names both and no `recipient` of its own; null
 * when the address does not match.
 */
export function decodeVerp(pattern: VerpPattern, address: string): Record<string, string> | null {
  if (address.length === 0 || address.length > MAX_ADDRESS) return null;
  const m = pattern.re.exec(address);
  const groups = m?.groups;
  if (!groups) return null;
  const out: Record<string, string> = {};
  for (const name of pattern.names) {
    const value = groups[name];
    if (typeof value === 'string' && value !== '') out[name] = value;
  }
  const local = out['local'];
  const domain = out['domain'];
  if (out['recipient'] === undefined && local !== undefined && domain !== undefined)
    out['recipient'] = `${local}@${domain}`;
  return Object.keys(out).length > 0 ? out : null;
}
