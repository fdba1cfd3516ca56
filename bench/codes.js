// `node bench/codes.js [--misses] [file]` (after `npm run build`): the share of right reply
// codes and enhanced status codes on a hand-written set of bounce texts
// (bench/data/codes-unseen.tsv, written before the extractor was read; its header gives the
// columns and the decisions). Each row becomes a small bounce (a DSN whose Diagnostic-Code or
// per-recipient block is the text, an Exim or a qmail-send plain-text bounce) and goes through
// `bin/oobd parse`; the first record's response.code and response.enhanced_code are compared
// with the row. Prints reply code and status scores per form and overall; --misses lists the
// rows that came out wrong.
// Without a file argument every set in SETS is scored, one block each; a file argument scores
// that file only. Forms (column 1 of a set; each set's header says which it uses):
//   diag, dsn       a DSN (RFC 3464): a Diagnostic-Code value / the per-recipient block;
//   exim, qmail     Exim's and qmail-send's plain-text bounces;
//   postfix         Postfix's bounce(5) human-readable notice alone ("This is the mail system
//                   at host ...", then "<address>: text"), as it reaches a sender when the
//                   delivery-status part is stripped by a forwarder or list (added by h91);
//   exchange        an Exchange 2007+ NDR's "Diagnostic information for administrators" block:
//                   "Generating server:", the address, then the text (Microsoft's NDR docs);
//   notes           a Lotus Notes/Domino notice: "Your message ... was not delivered to:
//                   <address> because: text" (Domino's delivery failure report).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const ROOT = path.join(__dirname, '..');
const args = process.argv.slice(2);
const showMisses = args.includes('--misses');
const positional = args.filter((a) => !a.startsWith('--'));
/** The sets scored when no file is given (h42's, then h91's written against new forms). */
const SETS = ['codes-unseen.tsv', 'codes-unseen-2.tsv'].map((f) => path.join(__dirname, 'data', f));
const files = positional.length ? positional : SETS;

const RECIPIENT = 'alice@example.org';
const HEAD = [
  'From: Mail Delivery System <MAILER-DAEMON@mx.example.net>',
  'To: bounce@example.com',
  'Date: Tue, 01 Dec 2026 04:00:00 +0000',
  'Message-ID: <codes-bench@mx.example.net>',
];

/** The returned message's copy that the Exim and qmail notices end with. */
const RETURNED = [
  'From: bounce@example.com',
  `To: ${RECIPIENT}`,
  'Subject: hello',
  '',
  'hello',
  '',
];

/** A DSN (RFC 3464) whose per-recipient block after Final-Recipient is `block`. */
function dsn(block) {
  return [
    ...HEAD,
    'Subject: Delivery Status Notification (Failure)',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Your message could not be delivered to one or more recipients.',
    '',
    '--b1',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.net',
    '',
    `Final-Recipient: rfc822; ${RECIPIENT}`,
    // Continuation lines of a field are folded (RFC 5322 §2.2.3), as MTAs write them.
    ...block.split('\n').map((l) => (/^[A-Za-z-]+:/.test(l) ? l : `    ${l.trim()}`)),
    '',
    '--b1',
    'Content-Type: text/rfc822-headers',
    '',
    'From: bounce@example.com',
    `To: ${RECIPIENT}`,
    'Subject: hello',
    '',
    '--b1--',
    '',
  ].join('\r\n');
}

/** An Exim bounce (Exim specification, "Bounce messages"): the text under the address. */
function exim(text) {
  return [
    ...HEAD,
    'Subject: Mail delivery failed: returning message to sender',
    'X-Failed-Recipients: ' + RECIPIENT,
    'Auto-Submitted: auto-replied',
    '',
    'This message was created automatically by mail delivery software.',
    '',
    'A message that you sent could not be delivered to one or more of its',
    'recipients. This is a permanent error. The following address(es) failed:',
    '',
    `  ${RECIPIENT}`,
    ...text.split('\n').map((l) => `    ${l}`),
    '',
    '------ This is a copy of the message, including all the headers. ------',
    '',
    ...RETURNED,
  ].join('\r\n');
}

/** A qmail-send bounce (qmail's qmail-send(8) text): the text after "<address>:". */
function qmail(text) {
  return [
    ...HEAD,
    'Subject: failure notice',
    '',
    'Hi. This is the qmail-send program at mx.example.net.',
    "I'm afraid I wasn't able to deliver your message to the following addresses.",
    "This is a permanent error; I've given up. Sorry it didn't work out.",
    '',
    `<${RECIPIENT}>:`,
    ...text.split('\n'),
    '',
    '--- Below this line is a copy of the message.',
    '',
    ...RETURNED,
  ].join('\n');
}

/** Postfix's bounce(5) notice without its delivery-status part: "<address>: text". */
function postfix(text) {
  return [
    ...HEAD,
    'Subject: Undelivered Mail Returned to Sender',
    'Auto-Submitted: auto-replied',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'This is the mail system at host mx.example.net.',
    '',
    "I'm sorry to have to inform you that your message could not",
    "be delivered to one or more recipients. It's attached below.",
    '',
    'For further assistance, please send mail to postmaster.',
    '',
    'If you do so, please include this problem report. You can',
    'delete your own text from the attached returned message.',
    '',
    '                   The mail system',
    '',
    `<${RECIPIENT}>: ${text.split('\n').join('\n    ')}`,
    '',
    ...RETURNED,
  ].join('\n');
}

/** An Exchange 2007+ NDR (text part): the text follows the address in the admin block. */
function exchange(text) {
  return [
    ...HEAD,
    'Subject: Undeliverable: hello',
    'Content-Type: text/plain; charset=us-ascii',
    'X-MS-Exchange-Message-Is-Ndr: ',
    '',
    'Delivery has failed to these recipients or groups:',
    '',
    RECIPIENT,
    "The e-mail address you entered couldn't be found.",
    '',
    'Diagnostic information for administrators:',
    '',
    'Generating server: mx.example.net',
    '',
    RECIPIENT,
    ...text.split('\n'),
    '',
    'Original message headers:',
    '',
    ...RETURNED,
  ].join('\r\n');
}

/** A Lotus Notes / Domino delivery failure report: "was not delivered to: ... because: text". */
function notes(text) {
  return [
    ...HEAD,
    'Subject: DELIVERY FAILURE: hello',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'Your message',
    '',
    '  Subject: hello',
    '',
    'was not delivered to:',
    '',
    `  ${RECIPIENT}`,
    '',
    'because:',
    '',
    ...text.split('\n').map((l) => `  ${l}`),
    '',
  ].join('\r\n');
}

const FORMS = {
  diag: (t) => dsn(`Action: failed\nDiagnostic-Code: ${t}`),
  dsn,
  exim,
  qmail,
  postfix,
  exchange,
  notes,
};

for (const file of files) score(file);

function score(file) {
  const rows = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l, i) => {
      const [form, replycode, status, source, text] = l.split('\t');
      if (!FORMS[form] || text === undefined)
        throw new Error(`${file}: bad line ${JSON.stringify(l)}`);
      return { n: i + 1, form, replycode, status, source, text: text.replace(/\\n/g, '\n') };
    });

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oobd-codes-'));
  try {
    rows.forEach((r) => {
      r.file = path.join(dir, `row-${String(r.n).padStart(4, '0')}.eml`);
      fs.writeFileSync(r.file, FORMS[r.form](r.text));
    });
    const out = execFileSync(path.join(ROOT, 'bin', 'oobd'), ['parse', dir], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const first = new Map();
    for (const line of out.split('\n').filter(Boolean)) {
      const rec = JSON.parse(line);
      if (!first.has(rec.source_file)) first.set(rec.source_file, rec);
    }

    const fmt = (e) => (e ? `${e.class}.${e.subject}.${e.detail}` : '-');
    const tally = new Map();
    const misses = [];
    const add = (key, ok) => {
      const t = tally.get(key) || { right: 0, total: 0 };
      t.total += 1;
      if (ok) t.right += 1;
      tally.set(key, t);
    };
    for (const r of rows) {
      const rec = first.get(r.file);
      const oob = rec && rec.type === 'OOB' ? rec : null;
      let codeOk;
      let statusOk;
      const got = oob
        ? `${oob.response.code} ${fmt(oob.response.enhanced_code)}`
        : rec
          ? rec.type
          : 'none';
      if (r.replycode === 'NOREC') {
        codeOk = !oob;
        statusOk = !oob;
      } else if (!oob) {
        codeOk = false;
        statusOk = false;
      } else {
        const e = fmt(oob.response.enhanced_code);
        const code = oob.response.code;
        // No code in the text: none, or the class default oobd assumes (550; 451 for 4.x.x).
        codeOk =
          r.replycode === '-'
            ? code === null || code === (e.startsWith('4.') ? 451 : 550)
            : code === Number(r.replycode);
        statusOk = e === r.status;
      }
      for (const key of ['all', r.form]) {
        add(`${key} reply code`, codeOk);
        add(`${key} status`, statusOk);
      }
      if (!codeOk || !statusOk)
        misses.push(
          `${r.n}\t${r.form}\twant ${r.replycode} ${r.status}\tgot ${got}\t${r.text.replace(/\n/g, '\\n')}`,
        );
    }
    console.log(`${path.relative(ROOT, file)} (${rows.length} rows)`);
    for (const [key, t] of tally) {
      console.log(
        `${key.padEnd(18)} ${String(t.right).padStart(3)}/${String(t.total).padEnd(3)} (${((100 * t.right) / t.total).toFixed(1)}%)`,
      );
    }
    if (showMisses) {
      console.log('\nmisses:');
      for (const m of misses) console.log(m);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
