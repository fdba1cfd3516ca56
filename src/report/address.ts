// Mailbox addresses out of header fields (RFC 5322 §3.4) and report fields
// (RFC 3464 §2.3.1 `address-type; address`, RFC 6533 §3 `utf-8` addresses), with the
// leniency real messages need: comments, quotes, missing or stray angle brackets.
//
// Ours, not nodemailer's addressparser: on the corpus it reads the same lists at 5–40×
// the cost (a token table per call; over 1% of a whole parse for the mailboxes alone),
// and it keeps what bounces wrap around an address (`a@b>.`, `a@b<mailto:a@b>`, text
// run on after the domain) where this reader drops it (bench/building-blocks.js).

function isWsp(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Drops RFC 5322 comments ("(...)", nested) outside quoted strings. */
export function stripComments(s: string): string {
  if (s.indexOf('(') < 0) return s;
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charAt(i);
    if (quoted) {
      out += ch;
      if (ch === '\\' && i + 1 < s.length) out += s.charAt(++i);
      else if (ch === '"') quoted = false;
    } else if (ch === '"' && depth === 0) {
      quoted = true;
      out += ch;
    } else if (ch === '(') depth++;
    else if (ch === ')' && depth > 0) depth--;
    else if (depth === 0) out += ch;
  }
  return out;
}

function trimPunctuation(value: string): string {
  // Exchange writes "a@b<mailto:a@b>".
  const s =
    value.length > 7 && value.slice(0, 7).toLowerCase() === 'mailto:' ? value.slice(7) : value;
  let start = 0;
  let end = s.length;
  const strip = (c: number): boolean =>
    c === 0x22 ||
    c === 0x27 ||
    c === 0x3c ||
    c === 0x3e ||
    c === 0x2c ||
    c === 0x3b ||
    c === 0x3a ||
    c === 0x5b ||
    c === 0x5d ||
    c === 0x60;
  while (start < end && strip(s.charCodeAt(start))) {
    // A quoted local part keeps its opening quote (RFC 5321 §4.1.2 Quoted-string:
    // `"john doe"@example.org` is the mailbox).
    if (s.charCodeAt(start) === 0x22 && quotedLocalEnd(s, start) > 0) break;
    start++;
  }
  while (end > start && (strip(s.charCodeAt(end - 1)) || s.charCodeAt(end - 1) === 0x2e)) {
    // An address literal keeps its closing bracket (RFC 5321 §4.1.3 `user@[192.0.2.1]`).
    if (s.charCodeAt(end - 1) === 0x5d && s.lastIndexOf('@[', end) >= start) {
      const open = s.lastIndexOf('@[', end);
      if (s.indexOf(']', open) === end - 1) break;
    }
    end--;
  }
  return cutCjkTail(s.slice(start, end));
}

/**
 * Where the address in the white-space-delimited word `s[start, end)` begins: `start`,
 * or, for the word `doe"@example.org` of `"john doe"@example.org` (a quoted local part
 * holding white space, RFC 5321 §4.1.2), its opening quote before `start`.
 */
export function quotedLocalStart(s: string, start: number, end: number): number {
  const closing = s.indexOf('"@', start);
  if (closing < 0 || closing >= end) return start;
  const open = s.lastIndexOf('"', closing - 1);
  return open >= 0 && open < start && quotedLocalEnd(s, open) === closing + 1 ? open : start;
}

/**
 * The index of the `@` after a quoted local part that opens at `quote`
 * (`"john doe"@`, `"a\"b"@`; RFC 5321 §4.1.2 Quoted-string), or -1.
 */
export function quotedLocalEnd(s: string, quote: number): number {
  for (let i = quote + 1; i < s.length && i < quote + 258; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x0a || c === 0x0d || c === 0x3c || c === 0x3e) return -1;
    else if (c === 0x22) return i > quote + 1 && s.charCodeAt(i + 1) === 0x40 ? i + 1 : -1;
  }
  return -1;
}

/**
 * "kijitora@example.jp您好，" (text running on without a space): a domain label does not
 * turn from ASCII into CJK, so the address ends there. Pure-CJK labels (IDNs) stay.
 */
function cutCjkTail(s: string): string {
  const at = s.lastIndexOf('@');
  if (at < 0) return s;
  for (let i = at + 2; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x2e80) continue;
    const prev = s.charCodeAt(i - 1);
    const asciiBefore =
      (prev >= 0x30 && prev <= 0x39) || ((prev | 0x20) >= 0x61 && (prev | 0x20) <= 0x7a);
    const punctuation = (c >= 0x3000 && c <= 0x303f) || (c >= 0xff00 && c <= 0xff20);
    if (asciiBefore || punctuation) return s.slice(0, i);
  }
  return s;
}

/** CJK symbols and punctuation (U+3000–U+303F) and the full-width forms' punctuation (U+FF01–U+FF0F, U+FF1A–U+FF20, U+FF3B–U+FF40, U+FF5B–U+FF65). */
function isCjkPunctuation(c: number): boolean {
  return (
    (c >= 0x3000 && c <= 0x303f) ||
    (c >= 0xff01 && c <= 0xff0f) ||
    (c >= 0xff1a && c <= 0xff20) ||
    (c >= 0xff3b && c <= 0xff40) ||
    (c >= 0xff5b && c <= 0xff65)
  );
}

/** True for `local@domain` with both sides present and no white space or brackets. */
export function isEmailAddress(s: string): boolean {
  const at = s.lastIndexOf('@');
  if (at <= 0 || at === s.length - 1) return false;
  // "https://host/?u=a@b": a URL (RFC 3986 userinfo or query), no mailbox; ":" is no
  // atext outside a quoted local part.
  const scheme = s.indexOf('://');
  if (scheme >= 0 && scheme < at) return false;
  // A quoted local part (RFC 5321 §4.1.2) may hold white space and brackets.
  const quoted = s.charCodeAt(0) === 0x22 && quotedLocalEnd(s, 0) === at ? at : 0;
  for (let i = quoted; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isWsp(c) || c === 0x3c || c === 0x3e || c === 0x28 || c === 0x29 || c === 0x2c)
      return false;
    // "收件人：a@b", "宛先：a@b": CJK punctuation (a full-width colon, an ideographic
    // space or comma) ends a label before the address; no mailbox name holds it. Nor
    // does a domain ("a@b；", "a@b：550"): IDNA (RFC 5891 §4.2, UTS #46) maps the
    // full-width forms away and disallows the CJK symbols, so it ends the address.
    if (isCjkPunctuation(c)) return false;
  }
  return (
    s.indexOf('.', at) > at + 1 ||
    s.charCodeAt(at + 1) === 0x5b ||
    s.slice(at + 1).toLowerCase() === 'localhost'
  );
}

/**
 * The address in one mailbox: `Name <a@b>`, `<a@b>`, `a@b (Name)`, `"a" a@b`.
 * Returns null when there is no `@` address (e.g. `<Undisclosed Recipients>`).
 */
export function extractAddress(value: string | null): string | null {
  if (value === null) return null;
  const v = value.length > 4096 ? value.slice(0, 4096) : value;
  let from = 0;
  for (let guard = 0; guard < 16; guard++) {
    const lt = v.indexOf('<', from);
    if (lt < 0) break;
    let gt = v.indexOf('>', lt + 1);
    if (gt < 0) gt = v.length;
    const inner = v.slice(lt + 1, gt).trim();
    if (inner.indexOf('@') >= 0) {
      // Source routes (RFC 5322 §4.4 obs-route "<@a,@b:user@c>") keep the last part.
      const colon = inner.lastIndexOf(':');
      const addr = trimPunctuation(
        colon >= 0 && inner.charCodeAt(0) === 0x40 ? inner.slice(colon + 1) : inner,
      );
      if (addr.indexOf('@') > 0) return addr;
    }
    from = gt + 1;
  }
  const plain = stripComments(v);
  let start = 0;
  while (start < plain.length) {
    while (start < plain.length && isWsp(plain.charCodeAt(start))) start++;
    let end = start;
    while (end < plain.length && !isWsp(plain.charCodeAt(end))) end++;
    const word = plain.slice(quotedLocalStart(plain, start, end), end);
    // "https://help.example.com/?u=a@b": a URL's userinfo or query, no mailbox.
    const scheme = word.indexOf('://');
    if (word.indexOf('@') >= 0 && !(scheme >= 0 && scheme < word.indexOf('@'))) {
      const addr = trimPunctuation(word);
      if (addr.indexOf('@') > 0 && addr.indexOf('@') < addr.length - 1) return addr;
    }
    start = end + 1;
  }
  return null;
}

/** Every address of an address list (To, Cc), in order. */
export function extractAddressList(value: string | null): string[] {
  const out: string[] = [];
  for (const mailbox of splitAddressList(value)) {
    const a = extractAddress(mailbox);
    if (a !== null && out.length < 1000) out.push(a);
  }
  return out;
}

/**
 * The mailboxes of an address list (To, Cc) as written ("Owen Gray <o.gray@b>"), in
 * order: split at commas and semicolons outside quotes, angle brackets and comments.
 */
export function splitAddressList(value: string | null): string[] {
  if (value === null) return [];
  const out: string[] = [];
  const add = (mailbox: string): void => {
    if (out.length < 1000) out.push(mailbox);
  };
  let depthAngle = 0;
  let depthParen = 0;
  let quoted = false;
  let start = 0;
  const v = value.length > 65536 ? value.slice(0, 65536) : value;
  for (let i = 0; i < v.length; i++) {
    const ch = v.charAt(i);
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
      continue;
    }
    if (ch === '"') quoted = true;
    else if (ch === '<') depthAngle++;
    else if (ch === '>' && depthAngle > 0) depthAngle--;
    else if (ch === '(') depthParen++;
    else if (ch === ')' && depthParen > 0) depthParen--;
    else if ((ch === ',' || ch === ';') && depthAngle === 0 && depthParen === 0) {
      add(v.slice(start, i));
      start = i + 1;
    }
  }
  // The end of the value ends the last mailbox, also inside an unclosed quote,
  // bracket or comment ("<a@b.example" from a truncating gateway).
  add(v.slice(start));
  return out;
}

/**
 * RFC 6533 §3 `utf-8-addr-xtext` / `utf-8-addr-unitext`: `\x{HEX}` stands for one
 * Unicode scalar value (used for non-ASCII, and for `\`, `+`, `=` and controls).
 */
export function decodeUtf8AddrText(s: string): string {
  if (s.indexOf('\\x{') < 0) return s;
  let out = '';
  let pos = 0;
  for (;;) {
    const i = s.indexOf('\\x{', pos);
    if (i < 0) break;
    const close = s.indexOf('}', i + 3);
    const hex = close < 0 ? '' : s.slice(i + 3, close);
    let cp = -1;
    if (hex.length >= 1 && hex.length <= 6) {
      cp = 0;
      for (let k = 0; k < hex.length; k++) {
        const c = hex.charCodeAt(k) | 0x20;
        const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
        if (d < 0) {
          cp = -1;
          break;
        }
        cp = cp * 16 + d;
      }
    }
    if (cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      out += s.slice(pos, i + 3);
      pos = i + 3;
      continue;
    }
    out += s.slice(pos, i) + String.fromCodePoint(cp);
    pos = (close as number) + 1;
  }
  return out + s.slice(pos);
}

/**
 * RFC 3461 §4 xtext (the ORCPT parameter's encoding) in an address: `+2B` for `+` and
 * `+3D` for `=`, which xtext must encode. Sendmail keeps an ORCPT "type;addr as is" (its
 * queue file's Q line, Sendmail 3rd ed.) and writes it into Original-Recipient, so a
 * recipient typed `alice+tag@b` comes back as `rfc822;alice+2Btag@b`. Other `+XX`
 * (octets of a UTF-8 address) are left as written: an rfc822 address holds none.
 */
export function decodeXtext(s: string): string {
  if (s.indexOf('+2B') < 0 && s.indexOf('+3D') < 0) return s;
  let out = '';
  let pos = 0;
  for (let i = s.indexOf('+'); i >= 0; i = s.indexOf('+', i + 1)) {
    const hex = s.slice(i + 1, i + 3);
    if (hex !== '2B' && hex !== '3D') continue;
    out += s.slice(pos, i) + (hex === '2B' ? '+' : '=');
    pos = i + 3;
    i += 2;
  }
  return out + s.slice(pos);
}

/**
 * `a@example.org.` → `a@example.org`: an absolute domain's root dot (RFC 1034 §3.1) is
 * no part of the mailbox a record names (RFC 5321 §4.1.2 Domain has no empty label).
 */
export function withoutRootDot(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0 || address.length < at + 3 || address.charCodeAt(address.length - 1) !== 0x2e)
    return address;
  let end = address.length;
  while (end > at + 2 && address.charCodeAt(end - 1) === 0x2e) end--;
  return address.slice(0, end);
}

export interface TypedAddress {
  /** Lower case (`rfc822`, `utf-8`, `unknown`, ...); '' when the field had no type. */
  type: string;
  /** The address (`local@domain` for rfc822 / utf-8), else the text as given. */
  address: string;
}

/**
 * RFC 3464 §2.3.1/§2.3.2 `address-type ";" generic-address` (also RFC 5965
 * Original-Rcpt-To and RFC 8098 recipients). `<>` and an empty address give ''.
 */
export function parseTypedAddress(value: string): TypedAddress {
  const semi = value.indexOf(';');
  let type = '';
  let rest = value;
  if (
    semi >= 0 &&
    semi < 40 &&
    value.slice(0, semi).indexOf('@') < 0 &&
    value.slice(0, semi).indexOf('<') < 0
  ) {
    type = value.slice(0, semi).trim().toLowerCase();
    rest = value.slice(semi + 1);
  }
  rest = rest.trim();
  // RFC 6533 §3: a utf-8 address writes non-ASCII (and `\`, `+`, `=`) as `\x{HEX}`.
  // Software that drops the type keeps the escapes; a backslash is no atext outside a
  // quoted local part (RFC 5321 §4.1.2), so in an untyped, unquoted address `\x{HEX}`
  // can only be that escape.
  if (type === 'utf-8' || (type === '' && rest.indexOf('"') < 0)) rest = decodeUtf8AddrText(rest);
  if (rest === '<>' || rest === '') return { type, address: '' };
  if (type === '' || type === 'rfc822' || type === 'utf-8' || rest.indexOf('@') > 0) {
    const a = extractAddress(rest);
    if (a !== null) return { type, address: a };
  }
  return { type, address: trimPunctuation(stripComments(rest).trim()) };
}

/** `<a@b>` → `a@b`; other values trimmed. */
export function stripAngles(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && v.charCodeAt(0) === 0x3c && v.charCodeAt(v.length - 1) === 0x3e)
    return v.slice(1, -1).trim();
  return v;
}

/**
 * Lower-case local part of the mailbox in a field ("MAILER-DAEMON@x" → "mailer-daemon"),
 * or the bare word when the field has no domain ("From: mailer-daemon"); '' when empty.
 */
export function localPartOf(value: string | null): string {
  if (value === null) return '';
  const addr = extractAddress(value);
  if (addr !== null) return addr.slice(0, addr.lastIndexOf('@')).toLowerCase();
  let v = stripComments(value);
  const lt = v.indexOf('<');
  if (lt >= 0) {
    const gt = v.indexOf('>', lt);
    v = v.slice(lt + 1, gt < 0 ? v.length : gt);
  }
  return trimPunctuation(v.trim()).toLowerCase();
}

/** Message-ID (Unicode text) without angle brackets, or null. */
export function cleanMessageId(value: string | null): string | null {
  if (value === null) return null;
  let v = value.trim();
  const lt = v.indexOf('<');
  if (lt >= 0) {
    const gt = v.indexOf('>', lt + 1);
    v = v.slice(lt + 1, gt < 0 ? v.length : gt);
  }
  v = stripAngles(v).trim();
  return v === '' ? null : v;
}

/**
 * The Message-ID a reply answers (RFC 5322 §3.6.4): `In-Reply-To`, else the last id of
 * `References`; without angle brackets, or null.
 */
export function answeredMessageId(
  inReplyTo: string | null,
  references: string | null,
): string | null {
  const direct = cleanMessageId(inReplyTo);
  if (direct !== null || references === null) return direct;
  const lt = references.lastIndexOf('<');
  return lt >= 0 ? cleanMessageId(references.slice(lt)) : null;
}

/**
 * `IMCEASMTP-bo+2Elind+40example+2Ese@corp.example.com` → `bo.lind@example.se`: Microsoft
 * Exchange's IMCEA encapsulation of a foreign address in an SMTP one ("IMCEA" + the
 * address type + "-" + the address, each character an SMTP local part cannot hold
 * written `+XX` in hex, then "@" and the organisation's domain; Microsoft's "IMCEA
 * addresses and NDRs" documentation). Exchange writes it as a DSN's Final-Recipient
 * when it relays to an encapsulated contact. Only the SMTP type decodes to a mailbox;
 * null for anything else (IMCEAEX legacyExchangeDN, IMCEAX400) or a result that is not
 * an address.
 */
export function imceaSmtpAddress(address: string): string | null {
  if (address.length < 13 || address.slice(0, 10).toUpperCase() !== 'IMCEASMTP-') return null;
  const at = address.lastIndexOf('@');
  if (at <= 10) return null;
  const encoded = address.slice(10, at);
  let out = '';
  for (let i = 0; i < encoded.length; i++) {
    const c = encoded.charAt(i);
    if (c !== '+') {
      out += c;
      continue;
    }
    const hex = encoded.slice(i + 1, i + 3);
    const code = hex.length === 2 && isHex(hex) ? parseInt(hex, 16) : -1;
    if (code < 0x21 || code > 0x7e) return null;
    out += String.fromCharCode(code);
    i += 2;
  }
  return isEmailAddress(out) ? out : null;
}

function isHex(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 0x20;
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

/**
 * The one address a returned message was sent to (its To and Cc together), or null
 * when it names none or several (no guess), or when that address is a mailing list's
 * own (List-Post, List-Id): a list's copy names the list, not the member whose
 * mailbox failed. `field` reads one returned header field (null when absent).
 */
export function soleAddressOf(field: (name: string) => string | null): string | null {
  const addresses = [...extractAddressList(field('to')), ...extractAddressList(field('cc'))].filter(
    isEmailAddress,
  );
  if (addresses.length !== 1) return null;
  const address = addresses[0] as string;
  const key = address.toLowerCase();
  const post = extractAddress(field('list-post'));
  const postKey = post === null ? '' : post.toLowerCase();
  if (postKey === key || postKey.endsWith(':' + key)) return null;
  if ((field('list-id') ?? '').toLowerCase().indexOf(key.replace('@', '.')) >= 0) return null;
  return address;
}
