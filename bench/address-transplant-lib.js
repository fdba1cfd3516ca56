// Address transplants: a held-out bounce of a format we know differs from the
// development ones in its addresses as much as in its reply. Each development bounce
// whose parser reads its recipients is rewritten with one failed recipient's address
// replaced, at every place the raw message names it (DSN fields, the human text, the
// transcript, the returned message's headers; any letter case; quoted-printable and
// base64 text parts decoded first, RFC 6533 `\x{..}` forms of utf-8 fields), by donor
// addresses of the shapes RFC 5321 §4.1.2 and RFC 6531 allow. The records must name
// the donor, keep every other recipient, and keep their label and codes.
// Shared by `npm run bench:addresses` (bench/address-transplant.js, dist/) and
// test/unit/report/address-transplant.test.ts (src/): the parser and classifier are
// passed in.
//
// How a recipient is to be reported (the check's decisions):
// * as the bounce writes it: the local part keeps its case (RFC 5321 §2.4: only the
//   receiving host may fold it), the domain is compared without case (RFC 5321 §2.4,
//   RFC 1035 §2.3.3);
// * an IDN as written: a U-label domain (RFC 6531 SMTPUTF8) stays in U-labels, an
//   A-label ("xn--") domain stays ASCII; no conversion either way (a conversion would
//   make the record name an address the sender never used);
// * a quoted local part keeps its quotes (`"john doe"@example.org` is the mailbox; RFC
//   5321 §4.1.2 Quoted-string), an address literal its brackets (`user@[192.0.2.1]`).
//
// Bench code, not product code: the regular expressions here run on our own corpus
// and fixtures, not on hostile input.
'use strict';
const { decodeParts } = require('./transplant-lib.js');

/**
 * The donors: every shape of RFC 5321 §4.1.2 `Mailbox` (Dot-string, Quoted-string,
 * address-literal; limits of §4.5.3.1: a 64-octet local part, 63-octet labels) and
 * RFC 6531 §3.3 (UTF-8 local parts and U-label domains), and the VERP-like local parts
 * list managers write (`=`, `/`, `_`).
 */
const DONORS = [
  { name: 'plus addressing', address: 'alice+newsletter-7@example.net' },
  { name: 'dots and hyphens', address: 'first.middle-last@example-mail.net' },
  { name: 'local part of 64 octets', address: `${'abcdefghij'.repeat(6)}wxyz@example.org` },
  { name: 'digits only', address: '4915112345678@example.de' },
  { name: 'mixed case', address: 'John.Smith@Example.COM' },
  { name: 'quoted local part', address: '"john doe"@example.org' },
  { name: 'apostrophe', address: "o'neil@example.ie" },
  { name: 'subdomains', address: 'a@mail.dept.example.co.uk' },
  { name: 'IDN U-label, CJK', address: '用户@例え.jp' },
  { name: 'IDN U-label, Latin', address: 'jürgen@bücher.example' },
  { name: 'IDN A-label (punycode)', address: 'juergen@xn--bcher-kva.example' },
  { name: 'IP literal', address: 'user@[192.0.2.1]' },
  { name: 'VERP-like (= / _)', address: 'news_42=user=example.org/x@lists.example.net' },
  {
    name: 'long domain',
    address: `u@${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(50)}.example`,
  },
];

/**
 * Writings real unseen bounces give an address, beyond its shape (`write(address,
 * place)` → the text in place of one copy, its angle brackets included when it had
 * them; `place`: { kind: 'dsn' | 'header' | 'transcript' | 'text', field, bracketed }).
 * The records must still name `address` (as reported: a trailing root dot dropped).
 */
const WRITINGS = [
  // Exchange, Office 365 and Outlook copy the recipient as the sender typed it; a
  // domain in capitals stays so in every place (RFC 5321 §2.4: domains compare without case).
  { name: 'upper-case domain', address: 'jane.doe@MAIL.EXAMPLE.ORG' },
  // VERP return paths (Postfix XVERP `bounces+user=example.com@`, ezmlm/qmail
  // `list-return-123-user=example.com@`, Mailman `list-bounces+user=example.com@`)
  // bounce back when a list's own bounce address is relayed on.
  { name: 'VERP sub-address (- and =)', address: 'bounces-123=user=example.com@lists.example.net' },
  // The returned message's To/Cc (RFC 5322 §3.4 name-addr, every MUA writes it), and
  // notices that copy those header mailboxes as their recipient lines (Lotus Domino's
  // "was not delivered to", Exchange 2000/2003 lists: text copies of notices with their
  // marks, COPIES_HEADERS); never in DSN fields or RCPT TO, nor in the text of MTAs
  // that write the envelope address ("<a@b>: host ..." is Postfix's, qmail's, Exim's
  // template, which has no display name).
  {
    name: 'display name <address>',
    address: 'jane.doe@example.com',
    write: (a, p) =>
      p.kind === 'header' || (p.kind === 'text' && p.bracketed && p.copiesHeaders)
        ? `Jane Doe <${a}>`
        : wrap(a, p),
  },
  // Exchange 2007+ and Office 365 text parts render the HTML NDR's link as
  // "a@b<mailto:a@b>" (the text alternative Outlook/Exchange writes for <a href="mailto:">).
  // Only Microsoft's software writes it: applied to the text copies of messages that
  // carry Exchange's marks (EXCHANGE), never to another MTA's notice.
  {
    name: 'mailto link (Exchange text)',
    address: 'jane.doe@example.com',
    write: (a, p) => (p.kind === 'text' && p.exchange ? `${a}<mailto:${a}>` : wrap(a, p)),
  },
  // A bare address ending a clause: a list entry "a@b: reason" on its own line (qmail
  // and Courier without their brackets, Exim 3's "a@b:" entries, Sendmail's "a@b: ..."
  // deferral lines). Applied to a bare text copy that starts its line (white space
  // before it) and whose entry goes on (its reason after it, or indented under it);
  // software that brackets the address writes "<a@b>:" (Postfix, qmail), so a
  // bracketed copy keeps its brackets; an item of a plain list (one address a line,
  // Exchange's "Delivery has failed to these recipients") has no colon, as its
  // neighbours have none; mid-sentence copies ("mail to a@b could not ...",
  // "for <a@b>;" in a Received line, "'a@b'") are never written so.
  {
    name: 'colon after',
    address: 'jane.doe@example.com',
    write: (a, p) =>
      p.kind === 'text' && p.startsLine && !p.bracketed && p.entryGoesOn
        ? p.next === ':'
          ? a
          : `${a}:`
        : wrap(a, p),
  },
  // "a@b, c@d": Exim's X-Failed-Recipients (a comma-separated list, RFC 5322 §3.4
  // address-list) and notices that enumerate several recipients on one line. Applied
  // where another address follows on the same line (the list's separator), never after
  // the last one: no software ends a list or a sentence's address with a comma.
  {
    name: 'comma after',
    address: 'jane.doe@example.com',
    write: (a, p) =>
      (p.kind === 'text' || p.field === 'x-failed-recipients') && p.listNext
        ? p.next === ',' || p.next === ';'
          ? a
          : `${a},`
        : wrap(a, p),
  },
  // An absolute domain (RFC 1034 §3.1 "example.org." with the root's dot) as a typed
  // recipient or a resolver's canonical name leaks into human text (Sendmail's
  // canonify ruleset marks canonical names with a trailing dot); reported without it.
  {
    name: 'trailing dot in domain',
    address: 'jane.doe@example.org',
    write: (a, p) => (p.kind === 'text' ? wrap(`${a}.`, p) : wrap(a, p)),
  },
  // RFC 6533 §3: Original-Recipient of type utf-8 in utf-8-addr-xtext (`\x{FC}`, and
  // `+` as `\x{2B}`); Final-Recipient as utf-8 unitext.
  {
    name: 'Original-Recipient utf-8; xtext',
    address: 'jürgen+tag@bücher.example',
    write: (a, p) => (p.field === 'original-recipient' ? wrap(xtext(a), p) : wrap(a, p)),
    dsnType: 'utf-8',
  },
  // RFC 3461 §4: ORCPT is xtext (`+` as `+2B`); software that copies it unchanged
  // writes Original-Recipient: rfc822;alice+2Btag@example.net.
  {
    name: 'Original-Recipient rfc822; +2B',
    address: 'alice+tag@example.net',
    write: (a, p) =>
      p.field === 'original-recipient' ? wrap(a.replace(/\+/g, '+2B'), p) : wrap(a, p),
    dsnType: 'rfc822',
  },
];

/**
 * Marks of a Microsoft Exchange (2007+) or Office 365 notice: its X-MS-Exchange-*
 * and X-MS-TNEF-Correlator headers, and the fixed text of its NDR template
 * ("Delivery has failed to these recipients or groups", "Diagnostic information for
 * administrators", "Microsoft Exchange", "Office 365").
 */
const EXCHANGE =
  /^X-MS-(?:Exchange-|TNEF-Correlator)|Delivery has failed to these recipients|Diagnostic information for administrators|Microsoft Exchange|Office 365/im;

/**
 * Marks of notices that copy the returned message's header mailboxes (display name
 * and all) as their recipient lines: Exchange (EXCHANGE, and Exchange 2000/2003's
 * "X-MimeOLE: Produced By Microsoft Exchange" and "The following recipient(s) could
 * not be reached"), Lotus Domino ("Lotus Domino", its X-Notes-Item headers, "was not
 * delivered to").
 */
const COPIES_HEADERS =
  /^X-MimeOLE: Produced By Microsoft Exchange|following recipient\(s\) could not be reached|Lotus Domino|^X-Notes-Item:|was not delivered to:/im;

/** The copy with the angle brackets it had. */
function wrap(text, place) {
  return place.bracketed ? `<${text}>` : text;
}

/**
 * Where the copy at `offset` stands: a DSN recipient field (`dsn`), a header field
 * naming recipients (`header`), another field (`other`), an SMTP command
 * (`transcript`), a remote server's reply (`reply`: Diagnostic-Code, a line with a reply
 * code, "said:"), or the notice's own text (`text`). Writings change `text` (and, for
 * some, `header`) copies only: a server's reply and a DSN field keep the bare address.
 */
function placeOf(raw, offset, end, exchange = false, copiesHeaders = false) {
  const lineStart = raw.lastIndexOf('\n', offset - 1) + 1;
  const before = raw.slice(lineStart, offset);
  const bracketed = raw.charAt(offset - 1) === '<' && raw.charAt(end) === '>';
  const field = /^([A-Za-z][A-Za-z0-9-]*):/.exec(before);
  const name = field === null ? '' : field[1].toLowerCase();
  const after = bracketed ? end + 1 : end;
  const next = raw.charAt(after);
  const lineEnd = raw.indexOf('\n', after);
  const rest = raw.slice(after, lineEnd < 0 ? raw.length : lineEnd);
  // The copy opens its line (a list entry): only white space, and its bracket, before it.
  const startsLine = /^[ \t]*<?$/.test(before);
  // Another address follows on the line, after white space or a separator.
  const listNext = /^>?[,;]?[ \t]+<?[^\s<>@,;]+@[A-Za-z0-9]/.test(rest);
  // The entry goes on after the copy: text on its line, or an indented line under it
  // (a reason block); not so for an item of a plain list, one address a line (the next
  // line another address or "Name" <address>).
  const following = lineEnd < 0 ? '' : raw.slice(lineEnd + 1, raw.indexOf('\n', lineEnd + 1));
  const entryGoesOn =
    rest.trim() !== '' ||
    (/^[ \t]+\S/.test(following) && !/^[ \t]+(?:"|<?[^\s<>@]+@)/.test(following));
  const at = (kind) => ({
    kind,
    field: name,
    bracketed,
    next,
    startsLine,
    entryGoesOn,
    listNext,
    exchange,
    copiesHeaders,
  });
  // A JSON string ("emailAddress":"a@b", Amazon SES notifications) holds the address alone.
  if (raw.charAt(offset - 1) === '"' && raw.charAt(end) === '"') return at('other');
  if (/^(?:final-recipient|original-recipient|x-actual-recipient|original-rcpt-to)$/.test(name))
    return at('dsn');
  if (
    /^(?:to|cc|bcc|resent-to|resent-cc|delivered-to|x-original-to|x-failed-recipients|envelope-to|x-envelope-to)$/.test(
      name,
    )
  )
    return at('header');
  if (name === 'diagnostic-code') return at('reply');
  if (name !== '') return at('other');
  if (/(?:rcpt to|mail from):\s*<?$/i.test(before)) return at('transcript');
  if (
    /(?:^|[\s(#])[245]\d\d[ -]|said:|\.\.\.\s/i.test(before) ||
    /^\s*(?:\.\.\.|[>)]?\.\.\.)/.test(raw.slice(end + (bracketed ? 1 : 0), end + 6))
  )
    return at('reply');
  return at('text');
}

/** The donor as the raw (latin1) text carries it: its UTF-8 bytes. */
function rawForm(address) {
  return Buffer.from(address, 'utf8').toString('latin1');
}

/** RFC 6533 §3 utf-8-addr-xtext of a string: non-ASCII as `\x{HEX}`. */
function xtext(address) {
  let out = '';
  for (const ch of address) {
    const cp = ch.codePointAt(0);
    out +=
      cp > 0x7e || ch === '\\' || ch === '+' || ch === '='
        ? `\\x{${cp.toString(16).toUpperCase()}}`
        : ch;
  }
  return out;
}

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Every copy of `address` in `raw`, any case, not part of a longer address: not after
 * a local-part character (but after a Shift_JIS or Big5 character, whose second octet
 * may be an ASCII letter: "宛先：a@b"), not before a domain character. An apostrophe
 * before it is a quote ("'a@b'"), not atext.
 */
function addressPattern(address) {
  return new RegExp(
    `(?:(?<![A-Za-z0-9._%+=/-])|(?<=[\\x80-\\xff][!-~]))${escapeRe(address)}(?![A-Za-z0-9-]|\\.[A-Za-z0-9])`,
    'gi',
  );
}

/**
 * `raw` with every copy of `from` replaced by `to` (its raw form), or by what
 * `writing.write` makes of it in its place (WRITINGS; a DSN field's address type set to
 * `writing.dsnType`); null when none was found.
 */
function replaceAddress(raw, from, to, writing = null) {
  let count = 0;
  const exchange = EXCHANGE.test(raw);
  const copiesHeaders = exchange || COPIES_HEADERS.test(raw);
  const replaceIn = (source, re) => {
    if (writing === null || writing.write === undefined)
      return source.replace(re, (match, offset) => {
        count++;
        // A JSON string value ("emailAddress":"a@b", Amazon SES) escapes the quotes of
        // a quoted local part (RFC 8259 §7), as SES writes them.
        const json =
          source.charAt(offset - 1) === '"' &&
          source.charAt(offset + match.length) === '"' &&
          /[:[,][ \t]*$/.test(source.slice(Math.max(0, offset - 8), offset - 1));
        return json ? rawForm(to).replace(/"/g, '\\"') : rawForm(to);
      });
    let text = '';
    let last = 0;
    for (let m = re.exec(source); m !== null; m = re.exec(source)) {
      count++;
      const end = m.index + m[0].length;
      const place = placeOf(source, m.index, end, exchange, copiesHeaders);
      const start = place.bracketed ? m.index - 1 : m.index;
      let head = source.slice(last, start);
      if (place.kind === 'dsn' && writing.dsnType !== undefined)
        // The field's address type set to the writing's (`rfc822;` → `utf-8;`), or
        // given when the field had none ("Original-Recipient: <a@b>", McAfee): the
        // escapes are RFC 6533's only under that type.
        head = /:[ \t]*[A-Za-z0-9-]+;[ \t]*$/.test(head)
          ? head.replace(/(:[ \t]*)[A-Za-z0-9-]+;([ \t]*)$/, `$1${writing.dsnType};$2`)
          : head.replace(/(:[ \t]*)$/, `$1${writing.dsnType}; `);
      text += head + rawForm(writing.write(to, place));
      last = place.bracketed ? end + 1 : end;
    }
    return text + source.slice(last);
  };
  let text = replaceIn(raw, addressPattern(from));
  // A UTF-8 address (RFC 6531) as its octets, and as RFC 6533 \x{..} escapes.
  for (const form of new Set([rawForm(from), xtext(from)]))
    if (form !== from) text = replaceIn(text, addressPattern(form));
  return count === 0 ? null : { text, count };
}

/** Domain without case; local part as written (RFC 5321 §2.4). */
function sameAddress(a, b) {
  const ia = a.lastIndexOf('@');
  const ib = b.lastIndexOf('@');
  return (
    a.slice(0, ia) === b.slice(0, ib) && a.slice(ia).toLowerCase() === b.slice(ib).toLowerCase()
  );
}

function bounceFindings(deps, raw) {
  const result = deps.parseMessage(Buffer.from(raw, 'latin1'));
  deps.labelFindings(result, deps.classifier);
  return result.findings.filter((f) => f.kind === 'oob' && deps.isBounce(f));
}

function enhanced(e) {
  return e === null || e === undefined ? null : `${e.class}.${e.subject}.${e.detail}`;
}

/**
 * The checks of one message: each donor in place of its first failed recipient.
 * `expected`: the recipients the message's expectation names (lower case), or null
 * when it has none; a message whose records do not name exactly those is not checked
 * (its recipients are another check's business). Returns null when not checked.
 * `deps`: { parseMessage, isBounce, labelFindings, classifier }.
 */
function checkMessage(deps, message, expected = null, donors = DONORS) {
  const raw = decodeParts(message);
  const original = bounceFindings(deps, raw);
  if (original.length === 0) return null;
  const recipients = original.map((f) => f.recipient);
  if (recipients.some((r) => r === '' || r.indexOf('@') < 0)) return null;
  if (expected !== null) {
    const got = [...new Set(recipients.map((r) => r.toLowerCase()))].sort();
    const want = [...new Set(expected)].sort();
    if (JSON.stringify(got) !== JSON.stringify(want)) return null;
  }
  const target = recipients[0];
  // Another recipient that contains the target (a@b and xa@b are kept apart by the
  // pattern; the same address twice is one recipient).
  const results = [];
  for (const donor of donors) {
    const done = replaceAddress(raw, target, donor.address, donor);
    if (done === null) return null;
    const failures = [];
    const findings = bounceFindings(deps, done.text);
    const want = recipients.map((r) =>
      r.toLowerCase() === target.toLowerCase() ? donor.address : r,
    );
    const got = findings.map((f) => f.recipient);
    if (findings.length === 0) failures.push({ kind: 'detected', detail: 'no bounce record' });
    else {
      const missing = want.filter((w) => !got.some((g) => sameAddress(g, w)));
      const extra = got.filter((g) => !want.some((w) => sameAddress(g, w)));
      if (missing.length > 0 || extra.length > 0 || got.length !== want.length) {
        const kept = got.some((g) => g.toLowerCase() === target.toLowerCase());
        failures.push({
          kind: kept ? 'original kept' : 'recipient',
          detail: `${JSON.stringify(got)} instead of ${JSON.stringify(want)}`,
        });
      }
    }
    // Label and codes of each record, against the original's record of that recipient.
    for (const f of findings) {
      const was =
        original.find((o) => sameAddress(o.recipient, f.recipient)) ??
        (sameAddress(f.recipient, donor.address)
          ? original.find((o) => o.recipient.toLowerCase() === target.toLowerCase())
          : undefined);
      if (was === undefined) continue;
      const diffs = [];
      if (f.label !== was.label) diffs.push(`label ${f.label} (was ${was.label})`);
      if (f.reply.code !== was.reply.code)
        diffs.push(`code ${f.reply.code} (was ${was.reply.code})`);
      if (enhanced(f.reply.enhancedCode) !== enhanced(was.reply.enhancedCode))
        diffs.push(
          `enhanced ${enhanced(f.reply.enhancedCode)} (was ${enhanced(was.reply.enhancedCode)})`,
        );
      if (diffs.length > 0)
        failures.push({ kind: 'label/codes', detail: `${f.recipient}: ${diffs.join(', ')}` });
    }
    results.push({ donor: donor.name, address: donor.address, text: done.text, failures });
  }
  return results;
}

module.exports = { DONORS, WRITINGS, checkMessage, replaceAddress, sameAddress };
