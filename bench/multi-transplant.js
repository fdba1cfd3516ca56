// Metamorphic bench for per-recipient attribution (fixtures/multi holds whole messages
// written for it): every development DSN (the corpus and fixtures/) whose
// message/delivery-status part has exactly one per-recipient group gets a second group
// after it, for another address, failed, with a Diagnostic-Code from a donor reply of
// its own (another reason and code than the first's). Both recipients must then be
// read: the first with the reply it had, the second with the donor's. Donor replies
// are written for this bench (RFC 3463 codes, Postfix- and Microsoft-style wordings).
//
// The notification text is left as it was: it tells of the first recipient only. Real
// reports do that too (a text that lists the permanent failures beside delayed groups,
// a relay's summary of one address), so none of the layouts is skipped as the bench's
// own; what the records must then be (RFC 3464 §2.3: a group's fields are its own):
// * a group without an address (Exim's "save to /path", "pipe to |prog"; a relay's
//   "Final-Recipient: rfc822; @host") takes the address the text names when the
//   text's addresses that no group names are as many as such groups (lhost-exim-60,
//   lhost-sendmail-15), never by position past that;
// * the text's reading of an address is that address's group's reason, whatever the
//   other groups are (heuristic/index.ts completeDsn): the reason of a Sendmail
//   transcript without a reply code ends where Sendmail's own queue lines start
//   (lhost-sendmail-11, -21), a text's reason above a list of addresses (Exchange's
//   "Unable to deliver message to the following recipients, because ...": rfc3464-40,
//   lhost-outlook-07, rhost-outlook-07) and au's verdict on the account (ezweb) are
//   the named address's; a Sendmail local user named alone ("kijitora... Deferred")
//   is the one group whose address has that local part (lhost-sendmail-54);
// * text that names nobody (Sendmail's "554 5.3.0 unknown mailer error 255", the
//   server's "<<< 554 5.7.1 ..." after DATA) may be the reason of the one group whose
//   Diagnostic-Code does not say why (none with a reply code, or a class-only "554
//   5.0.0 Service unavailable"), and only when it names no other recipient and
//   repeats no other group's reply (dsn.ts Sole: lhost-sendmail-18,
//   fixtures/labels/sendmail-diag-generic-text-specific). Two groups that both lack
//   a reason share no such text (test/unit/report/multi-text.test.ts).
//
// Usage (after `npm run build`): node bench/multi-transplant.js [--verbose] [--only PREFIX]
'use strict';
const fs = require('node:fs');
const { transplantArgs, distDeps, devMessages, Tally } = require('./transplant-setup.js');

const { verbose, only } = transplantArgs();
const { parseMessage } = distDeps();

const SECOND = 'second.recipient@multi.example.net';
const DONORS = [
  { name: 'quota (552 5.2.2)', code: 552, enhanced: '5.2.2', text: 'Mailbox full: quota exceeded' },
  { name: 'spam (554 5.7.1)', code: 554, enhanced: '5.7.1', text: 'Message refused as spam' },
  { name: 'disabled (550 5.2.1)', code: 550, enhanced: '5.2.1', text: 'Account disabled' },
];

/** [family, file] for every message (transplant-setup.js), narrowed by --only. */
const messages = () => devMessages(only);

/** The failed OOB findings of a message: recipient (lower case) → reply. */
function failed(raw) {
  const out = new Map();
  for (const f of parseMessage(Buffer.from(raw, 'latin1')).findings)
    if (f.kind === 'oob' && f.report.action === 'failed')
      out.set(f.recipient.toLowerCase(), f.reply);
  return out;
}

function enhancedText(reply) {
  const e = reply.enhancedCode;
  return e === null ? null : `${e.class}.${e.subject}.${e.detail}`;
}

/**
 * The span of the only per-recipient group of the message's delivery-status part
 * (from its first field to the blank line after it), with its line end; null when
 * the part is not plain text or holds no or several groups.
 */
function onlyGroup(raw) {
  const ct = raw.search(/content-type:\s*message\/delivery-status/i);
  if (ct < 0) return null;
  const nl = raw.indexOf('\r\n') >= 0 ? '\r\n' : '\n';
  const body = raw.indexOf(nl + nl, ct);
  if (body < 0) return null;
  const head = raw.slice(ct, body);
  if (/content-transfer-encoding:\s*(base64|quoted-printable)/i.test(head)) return null;
  const end = raw.indexOf(nl + '--', body);
  const part = raw.slice(body, end < 0 ? raw.length : end);
  const finals = [...part.matchAll(/^final-recipient:/gim)];
  if (finals.length !== 1) return null;
  // The group starts at the first per-recipient field of its paragraph.
  const at = finals[0].index;
  const paraStart = part.lastIndexOf(nl + nl, at);
  const start = paraStart < 0 ? at : paraStart + 2 * nl.length;
  const stop = part.indexOf(nl + nl, at);
  const group = part.slice(start, stop < 0 ? part.length : stop).replace(/[\r\n]+$/, '');
  if (/^reporting-mta:/im.test(group)) return null;
  return { from: body + start, to: body + start + group.length, group, nl };
}

/** The second group: the first's fields, for SECOND, failed, with the donor's reply. */
function secondGroup(group, donor, nl) {
  const fields = group.split(nl).reduce((acc, line) => {
    if (/^[ \t]/.test(line) && acc.length > 0) acc[acc.length - 1] += nl + line;
    else acc.push(line);
    return acc;
  }, []);
  const out = [];
  for (const field of fields) {
    const name = field.slice(0, field.indexOf(':')).toLowerCase();
    if (name === 'final-recipient') out.push(`Final-Recipient: rfc822; ${SECOND}`);
    else if (name === 'original-recipient') out.push(`Original-Recipient: rfc822; ${SECOND}`);
    else if (name === 'action') out.push('Action: failed');
    else if (name === 'status') out.push(`Status: ${donor.enhanced}`);
    else if (name === 'diagnostic-code' || name.startsWith('x-')) continue;
    else out.push(field);
  }
  out.push(`Diagnostic-Code: smtp; ${donor.code} ${donor.enhanced} ${donor.text}`);
  return out.join(nl);
}

const tally = new Tally(verbose);
let skipped = 0;
for (const [family, file] of messages()) {
  const raw = fs.readFileSync(file, 'latin1');
  const span = onlyGroup(raw);
  if (span === null) {
    skipped++;
    continue;
  }
  const before = failed(raw);
  if (before.size !== 1 || before.has(SECOND)) {
    skipped++;
    continue;
  }
  const [first, reply] = [...before][0];
  tally.message(family);
  for (const donor of DONORS.filter((d) => d.code !== reply.code).slice(0, 2)) {
    const moved =
      raw.slice(0, span.to) +
      span.nl +
      span.nl +
      secondGroup(span.group, donor, span.nl) +
      raw.slice(span.to);
    const after = failed(moved);
    const failures = [];
    const one = after.get(first);
    if (one === undefined) failures.push({ kind: 'first', detail: `${first} not read` });
    else if (
      one.code !== reply.code ||
      enhancedText(one) !== enhancedText(reply) ||
      one.content !== reply.content
    )
      failures.push({
        kind: 'first',
        detail: `${first}: ${one.code} ${enhancedText(one)} "${one.content}" instead of ${reply.code} ${enhancedText(reply)} "${reply.content}"`,
      });
    const two = after.get(SECOND);
    if (two === undefined) failures.push({ kind: 'second', detail: 'second recipient not read' });
    else if (
      two.code !== donor.code ||
      enhancedText(two) !== donor.enhanced ||
      two.content.indexOf(donor.text) < 0
    )
      failures.push({
        kind: 'second',
        detail: `${two.code} ${enhancedText(two)} "${two.content}"`,
      });
    if (after.size !== 2) failures.push({ kind: 'count', detail: `${after.size} failed findings` });
    tally.transplant(family, file, { donor: donor.name, failures });
  }
}

console.log('Second recipient groups: two donors per DSN with one per-recipient group\n');
tally.printFamilies(true);
console.log('');
console.log(
  `total: ${tally.total.failed} of ${tally.total.transplants} transplants failed (${tally.total.files} messages; ${skipped} skipped: no plain delivery-status part with exactly one group and one failed finding)`,
);
tally.printEnd();
