// The decoders report/ had before issue 12 item 10 replaced them with nodemailer's
// libraries (src/report/codec.ts, parseContentType in src/report/header.ts at commit
// 8e73c6a, types stripped). oobd does not use this file: bench/building-blocks.js
// keeps it as the "ours" side of the blocks that moved to a library, so the figures
// behind that decision can be measured again.
'use strict';
// Content-Transfer-Encoding decoders (RFC 2045 §6.7 quoted-printable, §6.8 base64),
// charset decoding and RFC 2047 encoded words. Message text travels through the
// parsers as "binary strings" (one char per octet, Node's latin1), so structure can
// be found with indexOf and slices; text is turned into Unicode only where a person
// or a record will read it.
const node_util_1 = require('node:util');
/** Most decoded octets kept per part; the rest is dropped with a ParseProblem. */
const MAX_DECODED_BYTES = 4 * 1024 * 1024;
const B64 = new Int16Array(256).fill(-1);
{
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < alphabet.length; i++) B64[alphabet.charCodeAt(i)] = i;
  // RFC 4648 §5 URL-safe alphabet: some generators use it; accepting it costs nothing.
  B64[0x2d] = 62;
  B64[0x5f] = 63;
}
function isSpace(c) {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}
/**
 * RFC 2045 §6.8 base64. Tolerant: characters outside the alphabet are skipped (and
 * counted), and padding in the middle ends one quantum instead of the whole text
 * (some MTAs encode every line on its own).
 */
function decodeBase64(s, maxBytes = MAX_DECODED_BYTES) {
  let input = s;
  let truncated = false;
  const maxChars = Math.ceil(maxBytes / 3) * 4 + Math.ceil(maxBytes / 38) + 4;
  if (input.length > maxChars * 2) {
    input = input.slice(0, maxChars * 2);
    truncated = true;
  }
  const eq = input.indexOf('=');
  if (eq < 0 || onlyPaddingAfter(input, eq)) {
    // Node's decoder skips white space; it is native and much faster.
    let bytes = Buffer.from(input, 'base64');
    if (bytes.length > maxBytes) {
      bytes = bytes.subarray(0, maxBytes);
      truncated = true;
    }
    return { bytes, invalid: countInvalidBase64(input), truncated };
  }
  const out = Buffer.allocUnsafe(Math.min(maxBytes, Math.floor((input.length * 3) / 4) + 3));
  let acc = 0;
  let bits = 0;
  let o = 0;
  let invalid = 0;
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    const v = c < 256 ? B64[c] : -1;
    if (v >= 0) {
      acc = ((acc << 6) | v) & 0xffffff;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        if (o >= out.length) {
          truncated = true;
          break;
        }
        out[o++] = (acc >> bits) & 0xff;
      }
    } else if (c === 0x3d) {
      acc = 0;
      bits = 0;
    } else if (!isSpace(c)) {
      invalid++;
    }
  }
  return { bytes: out.subarray(0, o), invalid, truncated };
}
function onlyPaddingAfter(s, from) {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x3d && !isSpace(c)) return false;
  }
  return true;
}
function countInvalidBase64(s) {
  let invalid = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 256 || (B64[c] < 0 && c !== 0x3d && !isSpace(c))) invalid++;
  }
  return invalid;
}
function hexValue(c) {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}
/**
 * RFC 2045 §6.7 quoted-printable. Soft line breaks (`=` before the end of a line,
 * trailing white space allowed) vanish; a malformed `=` stays as it is (rule 1 is
 * advisory for decoders, §6.7 note 2). `underscoreIsSpace` gives the RFC 2047 "Q" form.
 */
function decodeQuotedPrintable(s, maxBytes = MAX_DECODED_BYTES, underscoreIsSpace = false) {
  const out = Buffer.allocUnsafe(Math.min(maxBytes, s.length));
  let o = 0;
  let truncated = false;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    if (o >= out.length) {
      truncated = i < n;
      break;
    }
    const c = s.charCodeAt(i);
    if (c === 0x3d) {
      const h1 = i + 1 < n ? hexValue(s.charCodeAt(i + 1)) : -1;
      const h2 = i + 2 < n ? hexValue(s.charCodeAt(i + 2)) : -1;
      if (h1 >= 0 && h2 >= 0) {
        out[o++] = (h1 << 4) | h2;
        i += 2;
        continue;
      }
      // Soft line break: "=" then optional transport padding then LF.
      let j = i + 1;
      while (j < n && (s.charCodeAt(j) === 0x20 || s.charCodeAt(j) === 0x09)) j++;
      if (j >= n) {
        i = j;
        continue;
      }
      if (s.charCodeAt(j) === 0x0a) {
        i = j;
        continue;
      }
      out[o++] = c;
    } else if (underscoreIsSpace && c === 0x5f) {
      out[o++] = 0x20;
    } else {
      out[o++] = c & 0xff;
    }
  }
  return { bytes: out.subarray(0, o), invalid: 0, truncated };
}
const decoders = new Map();
function decoderFor(charset) {
  let d = decoders.get(charset);
  if (d !== undefined) return d;
  try {
    d = new node_util_1.TextDecoder(charset, { fatal: false });
  } catch {
    d = null;
  }
  // The label set is bounded by what TextDecoder accepts plus the unknown ones we
  // have seen; cap it anyway so hostile labels cannot grow the map without end.
  if (decoders.size < 256) decoders.set(charset, d);
  return d;
}
/** Octets in a MIME charset → Unicode. Unknown charsets are read as UTF-8. */
function decodeCharset(bytes, charset) {
  const cs = (charset ?? '').trim().toLowerCase();
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] > 0x7f) {
      ascii = false;
      break;
    }
  }
  // ISO-2022-* and UTF-7 are 7-bit encodings: ASCII octets are not yet text.
  const sevenBitEncoding = cs.startsWith('iso-2022') || cs.includes('utf-7') || cs === 'hz-gb-2312';
  if (ascii && !sevenBitEncoding) return Buffer.from(bytes).toString('latin1');
  if (cs === '' || cs === 'utf-8' || cs === 'utf8' || cs === 'us-ascii' || cs === 'ascii') {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  }
  const d = decoderFor(cs);
  if (d === null)
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return d.decode(bytes);
}
/**
 * RFC 2047 encoded words (`=?charset?B|Q?text?=`) in a header value, decoded. White
 * space between two adjacent encoded words is dropped (§6.2). The value is Unicode
 * text already (see `utf8`); malformed words are left as they are.
 */
function decodeEncodedWords(value) {
  if (value.indexOf('=?') < 0) return value;
  let out = '';
  let pos = 0;
  let lastWasWord = false;
  while (pos < value.length) {
    const start = value.indexOf('=?', pos);
    if (start < 0) break;
    const q1 = value.indexOf('?', start + 2);
    const q2 = q1 < 0 ? -1 : value.indexOf('?', q1 + 1);
    const end = q2 < 0 ? -1 : value.indexOf('?=', q2 + 1);
    if (q1 < 0 || q2 !== q1 + 2 || end < 0) {
      out += value.slice(pos, start + 2);
      pos = start + 2;
      lastWasWord = false;
      continue;
    }
    const between = value.slice(pos, start);
    if (lastWasWord && between.trim() === '') {
      // §6.2: linear white space between encoded words is not displayed.
    } else {
      out += between;
    }
    let charset = value.slice(start + 2, q1);
    const star = charset.indexOf('*'); // RFC 2231 §5 language suffix
    if (star >= 0) charset = charset.slice(0, star);
    const enc = value.charAt(q1 + 1).toLowerCase();
    const text = value.slice(q2 + 1, end);
    let bytes = null;
    if (enc === 'b') bytes = decodeBase64(text).bytes;
    else if (enc === 'q') bytes = decodeQuotedPrintable(text, MAX_DECODED_BYTES, true).bytes;
    if (bytes === null) {
      out += value.slice(start, end + 2);
      lastWasWord = false;
    } else {
      out += decodeCharset(bytes, charset);
      lastWasWord = true;
    }
    pos = end + 2;
  }
  return out + value.slice(pos);
}
/**
 * RFC 2045 §5.1 Content-Type with RFC 2231 parameter continuations and charsets.
 * Returns null when the value has no `type/subtype`.
 */
function isWsp(c) {
  return c === 0x20 || c === 0x09;
}
function parseContentType(value) {
  if (value === null) return null;
  let semi = value.indexOf(';');
  if (semi < 0) semi = value.length;
  let type = stripComment(value.slice(0, semi)).trim().toLowerCase();
  // "text/plain charset=..." without the semicolon happens; keep the first word.
  const sp = type.indexOf(' ');
  if (sp > 0) type = type.slice(0, sp);
  const slash = type.indexOf('/');
  if (slash <= 0 || slash === type.length - 1) return null;
  return { type, params: parseParams(value, semi) };
}
function stripComment(s) {
  const p = s.indexOf('(');
  return p < 0 ? s : s.slice(0, p);
}
/** `; name=value` parameters from `start`; also used for Content-Disposition. */
function parseParams(value, start) {
  const params = new Map();
  const sections = new Map();
  let pos = start;
  const n = value.length;
  let count = 0;
  while (pos < n && count < 64) {
    // Skip separators and white space.
    while (pos < n) {
      const c = value.charCodeAt(pos);
      if (c === 0x3b || isWsp(c) || c === 0x0a || c === 0x0d) pos++;
      else break;
    }
    if (pos >= n) break;
    const eq = value.indexOf('=', pos);
    const nextSemi = value.indexOf(';', pos);
    if (eq < 0 || (nextSemi >= 0 && nextSemi < eq)) {
      // A token without "=": skip it.
      pos = nextSemi < 0 ? n : nextSemi + 1;
      continue;
    }
    const name = value.slice(pos, eq).trim().toLowerCase();
    pos = eq + 1;
    while (pos < n && isWsp(value.charCodeAt(pos))) pos++;
    let v;
    if (value.charCodeAt(pos) === 0x22) {
      // quoted-string with backslash escapes (RFC 5322 §3.2.4)
      let out = '';
      let i = pos + 1;
      for (; i < n; i++) {
        const c = value.charCodeAt(i);
        if (c === 0x5c && i + 1 < n) {
          out += value.charAt(i + 1);
          i++;
        } else if (c === 0x22) break;
        else out += value.charAt(i);
      }
      v = out;
      pos = i + 1;
      const semi = value.indexOf(';', pos);
      pos = semi < 0 ? n : semi + 1;
    } else {
      const semi = value.indexOf(';', pos);
      const end = semi < 0 ? n : semi;
      v = value.slice(pos, end).trim();
      pos = end + 1;
    }
    count++;
    if (name === '') continue;
    const star = name.indexOf('*');
    if (star < 0) {
      if (!params.has(name)) params.set(name, v);
      continue;
    }
    // RFC 2231 §3 and §4: name*0, name*1*, name*
    const base = name.slice(0, star);
    const rest = name.slice(star + 1);
    const encoded = rest.endsWith('*') || rest === '';
    const index = rest === '' ? 0 : Number.parseInt(rest, 10);
    if (!Number.isInteger(index) || index < 0 || index > 63) continue;
    let s = sections.get(base);
    if (s === undefined) {
      s = { parts: [], encoded: [] };
      sections.set(base, s);
    }
    s.parts[index] = v;
    s.encoded[index] = encoded;
  }
  for (const [base, s] of sections) {
    if (params.has(base) && s.parts.length === 0) continue;
    let charset = '';
    let bytes = '';
    for (let i = 0; i < s.parts.length; i++) {
      let p = s.parts[i];
      if (p === undefined) break;
      if (s.encoded[i] === true) {
        if (i === 0) {
          const q1 = p.indexOf("'");
          const q2 = q1 < 0 ? -1 : p.indexOf("'", q1 + 1);
          if (q2 >= 0) {
            charset = p.slice(0, q1);
            p = p.slice(q2 + 1);
          }
        }
        bytes += percentDecode(p);
      } else {
        bytes += p;
      }
    }
    const text =
      charset === ''
        ? bytes
        : Buffer.from(bytes, 'latin1').toString(charsetIsUtf8(charset) ? 'utf8' : 'latin1');
    params.set(base, text);
  }
  return params;
}
function charsetIsUtf8(cs) {
  const l = cs.toLowerCase();
  return l === 'utf-8' || l === 'utf8' || l === 'us-ascii';
}
function percentDecode(s) {
  if (s.indexOf('%') < 0) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25 && i + 2 < s.length) {
      const h1 = hex(s.charCodeAt(i + 1));
      const h2 = hex(s.charCodeAt(i + 2));
      if (h1 >= 0 && h2 >= 0) {
        out += String.fromCharCode((h1 << 4) | h2);
        i += 2;
        continue;
      }
    }
    out += s.charAt(i);
  }
  return out;
}
function hex(c) {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

module.exports = {
  decodeBase64,
  decodeQuotedPrintable,
  decodeCharset,
  decodeEncodedWords,
  parseContentType,
};
