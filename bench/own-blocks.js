// The decoders report/ had before issue 12 item 10 replaced them with nodemailer's
// libraries (src/report/codec.ts at commit 8e73c6a, types stripped). oobd does not use this file: bench/building-blocks.js
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

module.exports = {
  decodeBase64,
  decodeQuotedPrintable,
  decodeCharset,
  decodeEncodedWords,
};
