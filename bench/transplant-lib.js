// Reply transplants: held-out bounces of a format we know differ from the development
// ones mostly in the addresses and in the remote server's reply. So each development
// bounce whose parser reads a reply is rewritten with that reply replaced, everywhere
// the raw message carries it (Diagnostic-Code, the human-readable part, X-Postfix and
// transcript lines, folded copies), by donor replies written here; the records must
// keep their recipients and take the donor's reply code, enhanced code and label.
// Shared by `npm run bench:transplant` (bench/transplant.js, dist/) and
// test/unit/report/transplant.test.ts (src/): the parser and classifier are passed in.
//
// Bench code, not product code: the regular expressions here run on our own corpus
// and fixtures, not on hostile input.
'use strict';

/**
 * The donors: the main labels, with and without reply and enhanced codes. `{rcpt}` is
 * the failed recipient of the record whose reply is replaced. Wordings written for this
 * check from the replies' meanings: RFC 5321 §4.2.2/§4.2.3 (the reply texts of 550,
 * 552), RFC 3463 (5.2.2 mailbox full, 5.1.1 bad mailbox, 4.7.1 / 5.7.1 policy), the
 * Spamhaus "blocked using" DNSBL refusal most MTAs write (Postfix reject_rbl_client),
 * Postfix's own "Host or domain name not found" (DNS lookup, no reply code),
 * greylisting (postgrey's 450 4.7.1), and a German "recipient unknown".
 */
const DONORS = [
  { name: 'mailbox full (5.2.2, address)', lines: ['550 5.2.2 <{rcpt}>: mailbox full'] },
  {
    name: 'storage allocation (552, no enhanced)',
    lines: ['552 Requested mail action aborted: exceeded storage allocation'],
  },
  {
    name: 'DNSBL block (554 5.7.1)',
    lines: [
      '554 5.7.1 Service unavailable; Client host [192.0.2.9] blocked using zen.spamhaus.org',
    ],
  },
  { name: 'host not found (no code)', lines: ['Host or domain name not found'] },
  { name: 'greylisted (450 4.7.1)', lines: ['450 4.7.1 Greylisted, please try again later'] },
  { name: 'no such user (550, no enhanced)', lines: ['550 No such user here'] },
  { name: 'mailbox unavailable (no code)', lines: ['mailbox unavailable'] },
  {
    name: 'German user unknown (550 5.1.1)',
    lines: ['550 5.1.1 Die Empfaengeradresse <{rcpt}> existiert nicht'],
  },
  {
    name: 'multi-line user unknown (550-5.1.1)',
    lines: [
      '550-5.1.1 The mailbox you addressed is not known here. Check the',
      '550-5.1.1 spelling of the address and send the message again.',
      '550 5.1.1 Recipient rejected by mx.example.net',
    ],
  },
  // The shapes real MTAs give a reply on its way into a bounce, and the characters
  // parsers split on (each placed where its carrier puts it: see `layout`).
  {
    // A reply longer than a line: RFC 5322 §2.2.3 lets the reporting MTA fold the
    // DSN's Diagnostic-Code (RFC 3464 §2.1.1: header-style fields), Postfix folds it
    // at 79 columns with four spaces, and its bounce text wraps the same way
    // (bounce_notify_util.c LENGTH 79, INDENT 4); an RFC 5321 §4.5.3.1.5 reply line
    // may run to 512 octets.
    name: 'long folded reply (552 5.2.2, 200+ chars)',
    long: true,
    lines: [
      "552 5.2.2 The recipient's mailbox has used all of the storage space it is allowed on this system and cannot accept any more messages until its owner deletes some of the old ones or asks the administrator for a larger quota",
    ],
  },
  {
    // A multi-line reply (RFC 5321 §4.2.1: "550-" lines, then "550 "), each line
    // with its enhanced code (RFC 2034 §4), as large providers send it, ending with
    // a help URL with a query string and a server-side trace token; Exim quotes each
    // line on an indented line of its own, Postfix joins them into one and wraps.
    name: 'multi-line with URL (550-5.1.1 ... ?p=&hl=)',
    lines: [
      '550-5.1.1 The address you wrote to has no mailbox on this system. Please',
      '550-5.1.1 check the spelling of the address and try again. Help is at',
      '550 5.1.1 https://help.example.com/mail/?p=NoMailbox&hl=en a1b2c3.45 - smtp',
    ],
  },
  {
    // Parentheses, a square-bracketed client IP and a URL with a query string inside
    // the reply: the DNSBL refusals of RFC 5782 §2.1 practice ("Client host [IP]
    // blocked using ...", Postfix's reject_rbl_client) with the list's lookup page.
    name: 'brackets, IP and URL (554 5.7.1)',
    lines: [
      '554 5.7.1 (BL) Client host [198.51.100.7] blocked; see https://rbl.example.org/q?ip=198.51.100.7&z=1 (listed)',
    ],
  },
  {
    // An angle-bracketed address, a colon after the enhanced code, quotes, a
    // semicolon and a trailing period: Postfix's "<addr>: Recipient address
    // rejected: ..." shape (smtpd_recipient_restrictions), with the quoted local
    // part that Postfix's local(8) writes ('unknown user: "x"').
    name: 'address, colon, quotes, semicolon (550 5.1.1:)',
    lines: ['550 5.1.1: <{rcpt}>: Recipient address rejected; "unknown user" in local table.'],
  },
  {
    // A transient reply in a final failure notice: the sender retried until its
    // queue lifetime ran out and gave up (RFC 3464 §2.3.3 Action: failed with the
    // last 4xx reply; Postfix maximal_queue_lifetime, Exim retry rules); RFC 5321
    // §4.2.3's 421 text.
    name: 'transient 4xx in a final notice (421 4.7.0)',
    lines: ['421 4.7.0 Service not available, closing transmission channel'],
  },
  {
    // A reply code and nothing else: RFC 5321 §4.2 makes the text optional
    // ("Reply-line = *( Reply-code "-" [ textstring ] CRLF ) Reply-code [ SP textstring ] CRLF").
    name: 'reply code only (554)',
    lines: ['554'],
  },
];

/** How many of DONORS come first and were there before the widened shapes (the report tells them apart). */
const OLD_DONORS = 9;

const CODE_RE = /^([2-5]\d\d)([ -]|$)/;
// (A colon may follow the enhanced code: "550 5.1.1: ...".)
const ENHANCED_RE = /^([245])\.(\d{1,3})\.(\d{1,3}):?(?= |$)/;

/** A donor line split: reply code, enhanced code and text. */
function splitLine(line) {
  let rest = line;
  let code = null;
  let enhanced = null;
  const c = CODE_RE.exec(rest);
  if (c) {
    code = Number(c[1]);
    rest = rest.slice(4);
  }
  const e = ENHANCED_RE.exec(rest);
  if (e) {
    enhanced = { class: Number(e[1]), subject: Number(e[2]), detail: Number(e[3]) };
    rest = rest.slice(e[0].length).trimStart();
  }
  return { code, enhanced, text: rest };
}

/** A donor made concrete for one recipient: its lines, code, enhanced code and text. */
function donorFor(donor, rcpt) {
  const lines = donor.lines.map((l) => l.split('{rcpt}').join(rcpt));
  const parts = lines.map(splitLine);
  const last = parts[parts.length - 1];
  return {
    lines,
    code: last.code,
    enhanced: last.enhanced,
    text: parts.map((p) => p.text).join(' '),
    texts: parts.map((p) => p.text),
  };
}

/** An IPv4 address in a word ("198.51.100.7", "[192.0.2.1]:"). */
const IPV4 = /(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.]|\.\d)/g;

/**
 * A word of the reply as a pattern: as written, or with HTML's entities (an HTML copy).
 * An IPv4 address in it matches any: the corpus is anonymised copy by copy, so two
 * copies of one reply may name different documentation addresses (rhost-godaddy-03's
 * Diagnostic-Code says "203.0.113.222" where its text part says "198.51.100.225"), and
 * both are the reply.
 */
function wordPattern(word) {
  const ips = [...word.matchAll(IPV4)];
  if (ips.length > 0) {
    let out = '';
    let pos = 0;
    for (const m of ips) {
      out += wordPattern(word.slice(pos, m.index)) + '\\d{1,3}(?:\\.\\d{1,3}){3}';
      pos = m.index + m[0].length;
    }
    return out + wordPattern(word.slice(pos));
  }
  const entities = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' };
  let out = '';
  for (const ch of word) {
    const plain = ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out += entities[ch] ? `(?:${plain}|${entities[ch]})` : plain;
  }
  return out;
}

/**
 * What may stand between two words of a reply in the raw message when the parser
 * read them as one space: white space and line breaks (folding, wrapping, transcript
 * and quote markers at a line start), HTML line breaks, and the repeated "NNN-"/"NNN "
 * and enhanced code of a multi-line reply's lines.
 */
const GAP =
  '(?:[ \\t]+|&nbsp;|<br ?/?>|\\r?\\n[ \\t]*(?:(?:<<<|<-|>)[ \\t]*)?|[2-5]\\d\\d(?:-|(?=\\s))|[245]\\.\\d{1,3}\\.\\d{1,3}(?=\\s))+';

/** A regular expression that finds `content` in the raw message, however it was wrapped. */
function contentPattern(content) {
  // A closer the parser kept ("Recipient not found>" of "<mx #5.0.0 smtp;550 ...>")
  // belongs to the wrapper around the reply: it stays in the message. One the reply
  // opened itself ("... (Name server: h: host not found)", "... OFR_416 [416]") is
  // the reply's: replaced with it (left behind, it would stand alone after a donor).
  let text = content.trim();
  for (;;) {
    const last = text.slice(-1);
    const opener = { '>': '<', ')': '(', ']': '[' }[last];
    const count = (ch) => text.split(ch).length - 1;
    const unbalanced =
      opener !== undefined
        ? count(last) > count(opener)
        : (last === "'" || last === '"') && count(last) % 2 === 1;
    if (text.length < 2 || !unbalanced) break;
    text = text.slice(0, -1);
  }
  const words = text.split(/\s+/).filter(Boolean);
  if (words.length === 0) return null;
  // A reply that starts with the address it is about ("<a@b>... User unknown",
  // Sendmail; "<a@b>: Recipient address rejected", Postfix): the address is the
  // format's, not the reply's; the transplant keeps it (captured) and replaces the rest.
  if (words.length > 1 && ADDRESS_PREFIX.test(words[0]))
    return new RegExp(
      `(${wordPattern(words[0])}${GAP})` + words.slice(1).map(wordPattern).join(GAP),
      'g',
    );
  return new RegExp(words.map(wordPattern).join(GAP), 'g');
}

/** What follows a label sentence: a colon and the address on the same line. */
const LABEL_BEFORE_ADDRESS = /^:[ \t]*<?[^\s<>@]+@[^\s<>@]+>?[ \t]*\r?$/m;

/** A word that is an address, bracketed or not, with the punctuation that ends it ("<a@b>...", "a@b:"). */
const ADDRESS_PREFIX = /^<?[^\s<>@]+@[^\s<>@]+?>?(?:\.\.\.|[:,;])?$/;

/**
 * The reply and enhanced code right before `at` ("smtp; 550 5.1.1 ", "said: 550-",
 * "said: 553 5.1.8\n    ", Gmail's "550 550 5.1.1 "), to be replaced too: its length.
 */
function codeBefore(raw, at) {
  const window = raw.slice(Math.max(0, at - 60), at);
  const m = /(?:^|[^\w.])((?:[2-5]\d\d[ \t\r\n-]\s*)*#?(?:[245]\.\d{1,3}\.\d{1,3}\s+)?)$/.exec(
    window,
  );
  return m && /\d/.test(m[1]) ? m[1].length : 0;
}

/**
 * The reply and enhanced code before the address that leads a reply in a transcript
 * line ('550 5.1.1 "Sam Example" <sam@b>... User unknown', Sendmail): the codes' length
 * and the address part between them and the text (kept), or null.
 */
function codeBeforeAddress(raw, at) {
  const window = raw.slice(Math.max(0, at - 160), at);
  const m =
    /(?:^|\n)[ \t]*((?:[2-5]\d\d[ -])#?(?:[245]\.\d{1,3}\.\d{1,3} )?)((?:"[^"\n]*" )?<[^\s<>@]+@[^\s<>@]+>(?:\.\.\.|:)? )$/.exec(
      window,
    );
  return m ? { code: m[1].length, address: m[2] } : null;
}

/**
 * The message with its quoted-printable and base64 text parts (text/*, message/*)
 * decoded and marked 8bit, so that every copy of a reply can be found and replaced
 * (RFC 2045 §6: the encoding changes no word; the metamorphic test checks that the
 * parsers agree). Bytes are kept as latin1 characters.
 */
function decodeParts(raw) {
  const re = /^Content-Transfer-Encoding:[ \t]*(quoted-printable|base64)[ \t]*\r?$/gim;
  let out = '';
  let pos = 0;
  for (const m of raw.matchAll(re)) {
    if (m.index < pos) continue;
    const headStart = Math.max(
      raw.lastIndexOf('\n\n', m.index),
      raw.lastIndexOf('\n\r\n', m.index),
    );
    const head = raw.slice(headStart < 0 ? 0 : headStart, m.index + m[0].length + 400);
    const type = /^Content-Type:[ \t]*([\w-]+\/[\w.+-]+)/im.exec(head);
    if (type && !/^(text|message)\//i.test(type[1])) continue;
    const blank = /\r?\n\r?\n/g;
    blank.lastIndex = m.index;
    const b = blank.exec(raw);
    if (b === null) continue;
    const bodyStart = b.index + b[0].length;
    const next = raw.slice(bodyStart).search(/^--\S/m);
    const bodyEnd = next < 0 ? raw.length : bodyStart + next;
    const body = raw.slice(bodyStart, bodyEnd);
    const decoded =
      m[1].toLowerCase() === 'base64'
        ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('latin1') + '\n'
        : body
            .replace(/=\r?\n/g, '')
            .replace(/=([0-9A-Fa-f]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
    out +=
      raw.slice(pos, m.index) +
      'Content-Transfer-Encoding: 8bit' +
      (m[0].endsWith('\r') ? '\r' : '') +
      raw.slice(m.index + m[0].length, bodyStart) +
      decoded;
    pos = bodyEnd;
  }
  return out + raw.slice(pos);
}

/** Is the line holding `at` a header field (or its folded continuation) of a header section? */
function inHeader(raw, at) {
  const start = raw.lastIndexOf('\n', at - 1) + 1;
  let lineStart = start;
  // Walk back over folded continuation lines to the field's first line.
  while (lineStart > 0 && /^[ \t]/.test(raw.slice(lineStart, lineStart + 1))) {
    const prev = raw.lastIndexOf('\n', lineStart - 2) + 1;
    if (prev === lineStart) break;
    lineStart = prev;
  }
  return /^[A-Za-z][A-Za-z0-9-]*:/.test(raw.slice(lineStart, lineStart + 80));
}

/**
 * Is `at` in a block of RFC 3464 §2.3 per-recipient fields (between blank lines, with
 * Final-Recipient, Action or Status)? Only those fields are folded: a notice's text
 * with "Reason: ..." lines looks like a header but is written by its own software,
 * which does not fold it.
 */
function inDsnFields(raw, at) {
  const blank = /\n\r?\n/g;
  let start = 0;
  for (const m of raw.matchAll(blank)) {
    if (m.index >= at) break;
    start = m.index;
  }
  blank.lastIndex = at;
  const next = blank.exec(raw);
  const block = raw.slice(start, next === null ? raw.length : next.index);
  return /^(?:Final-Recipient|Action|Status)[ \t]*:/im.test(block);
}

/**
 * `text` broken at spaces so that no line passes `width` columns (a word longer than
 * a line stays whole), the first line starting at column `column`, the others after
 * `joint` (a line break and the continuation's indentation).
 */
function wrap(text, column, width, joint) {
  const indent = joint.replace(/^\r?\n/, '').length;
  let out = '';
  let col = column;
  let first = true;
  // (The kept address may carry the original's own line break: one layout, the new one.)
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (!first && col + 1 + word.length > width && col > indent) {
      out += joint + word;
      col = indent + word.length;
    } else {
      out += (first ? '' : ' ') + word;
      col += (first ? 0 : 1) + word.length;
    }
    first = false;
  }
  return out;
}

/** The indentation of the header field's continuation lines at `at`, four spaces when it has none. */
function foldIndent(raw, at) {
  const next = raw.indexOf('\n', at);
  const m = next < 0 ? null : /^[ \t]+(?=\S)/.exec(raw.slice(next + 1, next + 200));
  return m ? m[0] : '    ';
}

/** What Postfix's notices always carry: its template's first sentence, its X-Postfix-* DSN fields, its Received trace. */
const POSTFIX = /This is the mail system at host|^X-Postfix-|\(Postfix\)/im;

/**
 * Is `at` in a paragraph of Postfix's bounce text: a line "<rcpt>: ..." at the left
 * margin, then continuation lines indented (bounce_notify_util.c, line_wrap)?
 */
function postfixParagraph(raw, at) {
  let lineStart = raw.lastIndexOf('\n', at - 1) + 1;
  while (lineStart > 0 && /^[ \t]/.test(raw.slice(lineStart, lineStart + 1))) {
    const prev = raw.lastIndexOf('\n', lineStart - 2) + 1;
    if (prev === lineStart || /^\r?\n/.test(raw.slice(prev))) break;
    lineStart = prev;
  }
  return (
    POSTFIX.test(raw) && /^<[^\s<>@]+@[^\s<>]+>: \S/.test(raw.slice(lineStart, lineStart + 300))
  );
}

/**
 * Sendmail's own verdict line in a session transcript ("550 5.1.1 <a@b>... User
 * unknown", "554 5.0.0 Service unavailable" after the "<<< " reply lines): Sendmail
 * writes it from the remote reply's code, not its text. usersmtp.c (smtprcpt) maps a
 * 550, 551 or 553 to EX_NOUSER and a 552 or 554 to EX_UNAVAILABLE, and sysexits.c
 * gives their lines ("550 5.1.1 User unknown", "554 5.0.0 Service unavailable"); the
 * development corpus shows the same for other 5xx codes ("<<< 525 5.7.13 ..." then
 * "554 5.0.0 Service unavailable", lhost-sendmail). A transplant that changes the
 * remote reply changes this line with it, as Sendmail would have written it: else the
 * verdict keeps the original's code, which no real Sendmail writes beside the donor's
 * reply. Only lines whose text is one of those sysexits texts are rewritten (a line
 * of Sendmail's own that is no verdict on the reply stays), and only for 5xx donors
 * (a 4xx reply is deferred: Sendmail writes no verdict line then).
 */
const SENDMAIL_VERDICT =
  /^([ \t]*)[2-5]\d\d( [245]\.\d{1,3}\.\d{1,3})? ((?:"[^"\n]*" )?<?[^\s<>@]+@[^\s<>@]+>?\.\.\. )?(?:User unknown|Service unavailable)[ \t]*$/;

function sendmailVerdicts(raw, spans, donor) {
  const code = Number(CODE_RE.exec(donor.lines[0])?.[1] ?? 0);
  if (Math.floor(code / 100) !== 5) return [];
  // (Sendmail before 8.9 wrote no enhanced code: none where the original has none.)
  const verdict = [550, 551, 553].includes(code)
    ? ['550', ' 5.1.1', 'User unknown']
    : ['554', ' 5.0.0', 'Service unavailable'];
  const out = [];
  for (const span of spans) {
    const lineStart = raw.lastIndexOf('\n', span.start - 1) + 1;
    if (!/^[ \t]*<<<[ \t]*$/.test(raw.slice(lineStart, span.start))) continue;
    // The first line after the reply's that is no other "<<< " or ">>> " line.
    let at = raw.indexOf('\n', span.end);
    while (at >= 0) {
      const next = raw.indexOf('\n', at + 1);
      const line = raw.slice(at + 1, next < 0 ? raw.length : next).replace(/\r$/, '');
      if (/^[ \t]*<<</.test(line)) {
        at = next;
        continue;
      }
      const m = SENDMAIL_VERDICT.exec(line);
      const start = at + 1;
      const end = start + line.length;
      if (m !== null && !spans.some((x) => start < x.end && end > x.start))
        if (!out.some((x) => x.start === start))
          out.push({
            start,
            end,
            verdict: `${m[1]}${verdict[0]}${m[2] ? verdict[1] : ''} ${m[3] ?? ''}${verdict[2]}`,
          });
      break;
    }
  }
  return out;
}

/**
 * A DSN's Diagnostic-Code that holds the reply's code alone ("Diagnostic-Code: smtp;
 * 550", the text quoted in the human-readable part only) is a copy of the reply too
 * (RFC 3464 §2.3.6): its code becomes the donor's, where it is the code of a replaced
 * copy.
 */
function bareDiagnostics(raw, spans, donor) {
  const code = CODE_RE.exec(donor.lines[0])?.[1];
  const codes = new Set(spans.filter((x) => x.coded).map((x) => x.code.trim().slice(0, 3)));
  const out = [];
  for (const m of raw.matchAll(/^(Diagnostic-Code:[ \t]*smtp[ \t]*;[ \t]*)([2-5]\d\d)[ \t]*$/gim)) {
    const start = m.index;
    const end = start + m[0].length;
    if (!codes.has(m[2]) || spans.some((x) => start < x.end && end > x.start)) continue;
    out.push({ start, end, verdict: m[1] + code });
  }
  return out;
}

/**
 * `raw` with every copy of each original reply replaced by the donor. `replies` are
 * the original contents with the recipient they belong to. Returns null when no copy
 * of any reply was found in the raw text (an encoded part, a reply the parser built).
 */
function transplant(raw, replies, donor) {
  const spans = [];
  const taken = (s, e) => spans.some((x) => s < x.end && e > x.start);
  const byContent = new Map();
  for (const r of replies) {
    if (!byContent.has(r.content)) byContent.set(r.content, []);
    byContent.get(r.content).push(r.recipient);
  }
  // Longest first, so that a reply that contains another is replaced whole.
  const contents = [...byContent.keys()].sort((a, b) => b.length - a.length);
  const coded = CODE_RE.test(donor.lines[0]);
  let missing = 0;
  for (const content of contents) {
    const re = contentPattern(content);
    if (re === null) continue;
    let found = 0;
    for (const m of raw.matchAll(re)) {
      let start = m.index;
      const end = m.index + m[0].length;
      // A donor with a reply code replaces the original's code too; one without
      // replaces the text only (a server's reply always has a code: a text-only donor
      // stands for a sentence the MTA or gateway wrote beside or without one).
      let code = coded ? codeBefore(raw, start) : 0;
      let kept = m[1] ?? '';
      // The codes stand before the address that leads the reply: they are replaced,
      // the address stays.
      const lead = coded && code === 0 && kept === '' ? codeBeforeAddress(raw, start) : null;
      if (lead !== null) {
        code = lead.code + lead.address.length;
        kept = lead.address;
      }
      start -= code;
      if (taken(start, end)) continue;
      // A sentence that labels the address after it ("Mailbox full: a@b", IMail, the
      // generic notices): the notice's own few words, never a server's reply of a
      // whole paragraph. A long donor has no place there: skipped.
      if (donor.long && code === 0 && LABEL_BEFORE_ADDRESS.test(raw.slice(end, end + 200)))
        return { skipped: true };
      // A reply of a code alone where the message keeps the text only (the MTA's own
      // sentence, a reply whose code stands elsewhere): nothing of it goes there.
      if (code === 0 && lead === null && donor.lines.every((l) => splitLine(l).text === ''))
        return { skipped: true };
      spans.push({
        start,
        end,
        coded: code > 0,
        code: raw.slice(start, start + code),
        kept,
        recipients: byContent.get(content),
      });
      found++;
    }
    if (found === 0) missing++;
  }
  if (spans.length === 0 || missing > 0) return null;
  spans.sort((a, b) => a.start - b.start);
  if (coded)
    spans.push(...sendmailVerdicts(raw, spans, donor), ...bareDiagnostics(raw, spans, donor));
  spans.sort((a, b) => a.start - b.start);
  const codedFor = new Set();
  let out = '';
  let pos = 0;
  for (const span of spans) {
    out += raw.slice(pos, span.start);
    if (span.verdict !== undefined) {
      out += span.verdict;
      pos = span.end;
      continue;
    }
    // The recipient the copy is about: of the recipients with this reply, the one
    // named last before it (the first when none is).
    let rcpt = span.recipients[0];
    let best = -1;
    for (const r of span.recipients) {
      const at = raw.toLowerCase().lastIndexOf(r.toLowerCase(), span.start);
      if (at > best) {
        best = at;
        rcpt = r;
      }
    }
    const d = donorFor(donor, rcpt);
    // Where the original has no code before its text (the MTA's own sentence, a
    // reply whose code stands elsewhere), the donor's text only: the message keeps its
    // shape.
    const lines = span.coded ? [...d.lines] : [...d.texts];
    if (span.kept !== '') {
      // The original's address stays where it stood, before the donor's text (whose
      // own "<address>:" would repeat it).
      const first = splitLine(lines[0]);
      // (A donor of codes only still leaves a space before the address.)
      const codes = lines[0].slice(0, lines[0].length - first.text.length).replace(/\d$/, '$& ');
      lines[0] = codes + span.kept + first.text.replace(/^<[^>]*>:\s*/, '');
    }
    if (span.coded) codedFor.add(rcpt.toLowerCase());
    const lineStart = raw.lastIndexOf('\n', span.start - 1) + 1;
    const prefix = raw.slice(lineStart, span.start);
    // Inside a JSON string (an SES notification's "diagnosticCode":"..."): the
    // donor written as JSON writes it, its quotes escaped (RFC 8259 §7).
    if (/"[ \t]*:[ \t]*"(?:[^"\\]|\\.)*$/.test(prefix)) {
      out += lines.map((l) => JSON.stringify(l).slice(1, -1)).join(' ');
      pos = span.end;
      continue;
    }
    const eol = raw.includes('\r\n') ? '\r\n' : '\n';
    const header = inHeader(raw, span.start) && inDsnFields(raw, span.start);
    // (A text without codes is one reply text: its lines joined.)
    if (lines.length > 1 && span.coded && !header && /^[ \t]*(?:(?:<<<|<-)[ \t]*)?$/.test(prefix))
      // A transcript or a reply quoted on lines of its own (Sendmail's "<<< " lines,
      // Exim's indented ones): one line per reply line, none wrapped.
      out += lines.join(eol + prefix);
    else if (header)
      // RFC 5322 §2.2.3 folding of a header-style field (RFC 3464 §2.1.1): at white
      // space, before column 78, onto continuation lines with the field's own
      // indentation (four spaces, as Postfix writes them, when it has none).
      out += wrap(lines.join(' '), prefix.length, 78, eol + foldIndent(raw, span.start));
    else if (postfixParagraph(raw, span.start))
      // Postfix's bounce text ("<rcpt>: host X said: ... (in reply to RCPT TO
      // command)"): the reply joined into the sentence, wrapped at 79 columns onto
      // lines indented by four spaces (bounce_notify_util.c).
      out += wrap(lines.join(' '), prefix.length, 79, eol + '    ');
    // Elsewhere the reply stays on the line the format gives it: most notices
    // (Exchange, Domino, qmail, the gateways) quote it whole, never wrapped.
    else out += lines.join(' ');
    pos = span.end;
  }
  return { text: out + raw.slice(pos), codedFor };
}

/** Lower case, without reply and enhanced codes, addresses and punctuation, IPv4 addresses as "ip" (see wordPattern), one space between words. */
function norm(s) {
  return s
    .toLowerCase()
    .replace(IPV4, ' ip ')
    .replace(/(^|\s)[2-5]\d\d(?:[- ]|$)/g, ' ')
    .replace(/(^|\s)#?[245]\.\d{1,3}\.\d{1,3}(?=\s|$)/g, ' ')
    .replace(/[^\s<>@]+@[^\s<>@]+/g, ' ')
    .replace(/[^\p{L}\p{N}.\s]|\.(?=\s|$)/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function formatEnhanced(e) {
  return e === null || e === undefined ? null : `${e.class}.${e.subject}.${e.detail}`;
}

function parseEnhanced(s) {
  if (s === null || s === undefined) return null;
  const m = /^([245])\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  return m ? { class: Number(m[1]), subject: Number(m[2]), detail: Number(m[3]) } : null;
}

/** RFC 3463 §3: `a` refines `b` (same class, `b` leaves its subject or detail open). */
function saysMore(a, b) {
  if (a.class !== b.class || b.detail !== 0) return false;
  if (b.subject === 0) return a.subject !== 0 || a.detail !== 0;
  return a.subject === b.subject && a.detail !== 0;
}

/**
 * The text names the recipient past its first word ("Your message wasn't delivered to
 * a@b because ..."): replacing it would take an address out of the message, and the
 * transplant never changes addresses. Such a reply is not transplanted.
 */
function namesRecipientInside(content, recipient) {
  if (recipient === '') return false;
  const words = content.trim().split(/\s+/);
  const rest = (ADDRESS_PREFIX.test(words[0]) ? words.slice(1) : words).join(' ');
  return rest.toLowerCase().includes(recipient.toLowerCase());
}

/**
 * The OOB findings of a message the classifier decides (the parser left the label
 * open), that are bounces, with the reply the parser read.
 */
function bounceFindings(deps, raw) {
  const result = deps.parseMessage(Buffer.from(raw, 'latin1'));
  return {
    result,
    findings: result.findings.filter((f) => f.kind === 'oob' && deps.isBounce(f)),
  };
}

/**
 * The checks of one message: every donor transplanted into it, each transplant's
 * failures. `deps`: { parseMessage, isBounce, labelFindings, replyContext,
 * inferenceReply, classifier }. Returns null when the message has no
 * reply to replace (no finding with a reply the classifier decides, or the reply is not
 * in the raw text).
 */
function checkMessage(deps, message, donors = DONORS) {
  const raw = decodeParts(message);
  const original = bounceFindings(deps, raw).findings;
  const replies = original
    // A reply of words (two at least): not an exit status ("x-unix; 77"), a bare code,
    // or a single word that stands elsewhere in the message too.
    .filter(
      (f) =>
        f.label === null &&
        /[A-Za-z]{3}\S*\s+\S/.test(f.reply.content) &&
        f.reply.content.length < 900 &&
        !namesRecipientInside(f.reply.content, f.recipient),
    )
    .map((f) => ({ content: f.reply.content, recipient: f.recipient }));
  if (replies.length === 0) return null;
  const recipients = original.map((f) => f.recipient.toLowerCase()).sort();
  const results = [];
  for (const donor of donors) {
    const done = transplant(raw, replies, donor);
    if (done === null) return null;
    if (done.skipped) {
      results.push({ donor: donor.name, text: raw, failures: [], skipped: true });
      continue;
    }
    const text = done.text;
    const failures = [];
    const { result, findings } = bounceFindings(deps, text);
    deps.labelFindings(result, deps.classifier);
    const got = findings.map((f) => f.recipient.toLowerCase()).sort();
    if (findings.length === 0) failures.push({ kind: 'detected', detail: 'no bounce record' });
    else if (JSON.stringify(got) !== JSON.stringify(recipients))
      failures.push({
        kind: 'recipient',
        detail: `${JSON.stringify(got)} instead of ${JSON.stringify(recipients)}`,
      });
    const transplanted = new Set(replies.map((r) => r.recipient.toLowerCase()));
    // The parser still reads an original reply: a copy the transplant did not find
    // (written in a way the pattern does not know). Not the parser's failure: counted
    // apart, and the transplant is not checked.
    const before = new Set(replies.map((r) => norm(r.content)));
    const missed = findings.some((f) => {
      const said = norm(f.reply.content);
      return before.has(said) && !said.includes(norm(donorFor(donor, f.recipient).text));
    });
    if (missed) {
      results.push({ donor: donor.name, text, failures: [], missed: true });
      continue;
    }
    // The text was no reply: no copy of it stood after a code, and once it is replaced
    // the parser reads no text at all for the recipient. It was the notice's own
    // sentence the format's parser keys on (a lead-in "Delivery to the following
    // recipients failed.", a scanner's verdict, a list service's notice), not a remote
    // reply: counted apart.
    const template = findings.some(
      (f) =>
        transplanted.has(f.recipient.toLowerCase()) &&
        !done.codedFor.has(f.recipient.toLowerCase()) &&
        f.reply.content.trim() === '',
    );
    if (template) {
      results.push({ donor: donor.name, text, failures: [], template: true });
      continue;
    }
    for (const f of findings) {
      if (!transplanted.has(f.recipient.toLowerCase()) || f.label === 'AutoReply') continue;
      const d = donorFor(donor, f.recipient);
      const who = f.recipient || '(none)';
      // A DSN whose own Diagnostic-Code the transplant did not reach (the donor went
      // into the text part only) and whose reply is of another class than the donor's
      // ("Diagnostic-Code: smtp; 554 5.0.0 Service unavailable" beside a quoted "450
      // 4.7.1 Greylisted"): the structured field wins (RFC 3464 §2.3.6: the reply the
      // reporting MTA acted on); the quoted reply of another class is an earlier
      // attempt's. Nothing of the donor's is expected in the record.
      const diagnostic = f.report.diagnostic_code?.text ?? '';
      if (
        f.report.source.startsWith('rfc') &&
        diagnostic !== '' &&
        !norm(diagnostic).includes(norm(d.text)) &&
        d.code !== null &&
        Math.floor(d.code / 100) !== Math.floor(f.reply.code / 100)
      )
        continue;
      // So with a donor of a code alone quoted in the text part only, beside a
      // Diagnostic-Code with words of its own ("smtp; 550 Requested action not taken:
      // mailbox unavailable"): the quoted "554" says nothing more than the structured
      // field, which stands (dsn.ts prefers a quoted reply only when it says more).
      if (
        f.report.source.startsWith('rfc') &&
        d.text.trim() === '' &&
        /\p{L}{2}/u.test(norm(diagnostic)) &&
        !new RegExp(`(?:^|[\\s;'"-])${d.code}(?:[\\s'"]|$)`).test(diagnostic)
      )
        continue;
      // The record's text holds the donor's (the original reply is gone).
      const content = norm(f.reply.content);
      if (!d.texts.every((t) => content.includes(norm(t))))
        failures.push({
          kind: 'content',
          detail: `${who}: ${JSON.stringify(f.reply.content.slice(0, 160))}`,
        });
      // The donor's codes stand in the message only where the original's code stood
      // before its text; elsewhere the donor gave its text only (and the code is the
      // original's, from where the format keeps it).
      if (!done.codedFor.has(f.recipient.toLowerCase())) d.code = d.enhanced = null;
      if (d.code !== null && f.reply.code !== d.code)
        failures.push({ kind: 'code', detail: `${who}: ${f.reply.code} instead of ${d.code}` });
      // The enhanced code: the donor's; a DSN's Status that refines a vague one
      // (X.0.0, X.Y.0) wins, as does a Status agreeing with the reply's class where
      // the donor's contradicts it (reply.ts). A donor without one: the report's
      // Status, or what the parser concludes from the text: not checked.
      let wantEnhanced = d.enhanced;
      const status = parseEnhanced(f.report.status);
      if (wantEnhanced !== null && status !== null && saysMore(status, wantEnhanced))
        wantEnhanced = status;
      if (
        wantEnhanced !== null &&
        formatEnhanced(f.reply.enhancedCode) !== formatEnhanced(wantEnhanced)
      )
        failures.push({
          kind: 'enhanced',
          detail: `${who}: ${formatEnhanced(f.reply.enhancedCode)} instead of ${formatEnhanced(wantEnhanced)}`,
        });
      // The label the classifier gives the donor reply alone, in the record's stage and
      // report context (its command, Action, diagnostic type, Status).
      const reply = {
        code: d.code ?? f.reply.code,
        enhancedCode: wantEnhanced ?? f.reply.enhancedCode,
        content: d.text,
        command: f.reply.command,
      };
      // A donor of codes only gives the classifier nothing to read: the record's label
      // then comes from what the transplant left (the notice's own sentence, the
      // Status), and is not checked.
      if (d.text.trim() === '') continue;
      const context = deps.replyContext(f);
      let want = deps.classifier.classify(reply, context).label;
      if (want === 'Uncategorized' && f.report.inferred !== undefined)
        want = deps.classifier.classify(deps.inferenceReply(f.report.inferred), context).label;
      if (f.label !== want)
        failures.push({ kind: 'label', detail: `${who}: ${f.label} instead of ${want}` });
    }
    results.push({ donor: donor.name, text, failures });
  }
  return results;
}

module.exports = { DONORS, OLD_DONORS, checkMessage, transplant, decodeParts, donorFor, norm };
