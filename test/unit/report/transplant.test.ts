// Reply transplants (bench/transplant-lib.js, `npm run bench:transplant` for every
// development bounce): a held-out bounce of a format we know differs from ours mostly in
// its addresses and in the remote server's reply. Each message here, one or more per
// format family, is rewritten with its reply replaced everywhere it stands by donor
// replies written for the check (the main labels, with and without reply and enhanced
// codes, another language, multi-line and folded replies, brackets, a colon after the
// code, a code alone); the records must keep their
// recipients and take the donor's text, codes and label. A parser anchored on its
// sample's sentence, a reply not read when wrapped or without an enhanced code, a code
// taken from the wrong place, fails here.
import fs from 'node:fs';
import path from 'node:path';
import { DONORS, checkMessage, type TransplantDeps } from '../../../bench/transplant-lib';
import {
  inferenceReply,
  isBounce,
  labelFindings,
  replyContext,
} from '../../../src/pipeline/records';
import { parseMessage } from '../../../src/report/index';
import { reasonAbout, readReply } from '../../../src/report/reply';
import { FIXTURES, fixtureClassifier } from '../../helpers/fixture-records';

/** One message or more per family (fixtures/<path>), and the messages of the causes fixed. */
const SUBSET = [
  // RFC 3464 DSNs
  'rfc3464/kumomta-1.eml',
  'rfc3464/sisimai-rfc3464-01.eml',
  'audit/sisimai-lhost-postfix-01.eml',
  // A DSN whose Diagnostic-Code says only its class, the text the remote reply.
  'labels/dsn-transaction-failed-text-user.eml',
  // Non-RFC families
  'heuristic/amazon/sisimai-lhost-amazonses-09.eml',
  'heuristic/au/sisimai-lhost-ezweb-05.eml',
  'heuristic/au/sisimai-lhost-kddi-02.eml',
  'heuristic/courier/oobd-courier-undeliverable.eml',
  'heuristic/dragonfly/sisimai-lhost-dragonfly-03.eml',
  'heuristic/exchange/oobd-exchange-german.eml',
  'heuristic/exchange/sisimai-lhost-exchange2003-01.eml',
  'heuristic/exchange/oobd-exchange2010-remote-returned.eml',
  'heuristic/exchange/oobd-iis-unable-connect.eml',
  'heuristic/exim/sisimai-lhost-exim-02.eml',
  'heuristic/exim/oobd-exim-host-first.eml',
  'heuristic/exim/sisimai-lhost-mailru-03.eml',
  'heuristic/gateways/oobd-barracuda.eml',
  'heuristic/gateways/oobd-mimecast-mailbox.eml',
  'heuristic/gateways/sisimai-lhost-x3-01.eml',
  'heuristic/gateways/sisimai-lhost-mfilter-04.eml',
  'heuristic/google/sisimai-lhost-gmail-18.eml',
  'heuristic/google/sisimai-lhost-googleworkspace-01.eml',
  'heuristic/lotus/oobd-domino-two-recipients.eml',
  'heuristic/lotus/oobd-notes-failure-reasons.eml',
  'heuristic/mailers/oobd-groupwise.eml',
  'heuristic/mailers/sisimai-lhost-imailserver-01.eml',
  'heuristic/mailers/oobd-james-failed-recipients.eml',
  'heuristic/mdaemon/oobd-mdaemon-transcript.eml',
  'heuristic/opensmtpd/oobd-opensmtpd-two.eml',
  'heuristic/postfix/sisimai-lhost-postfix-07.eml',
  'heuristic/qmail/sisimai-lhost-qmail-02.eml',
  'heuristic/qmail/oobd-qmail-remote-rejected.eml',
  'heuristic/sendmail/sisimai-lhost-activehunter-01.eml',
  'heuristic/sendmail/sisimai-lhost-x1-01.eml',
  'heuristic/smail/oobd-smail-failed.eml',
  'heuristic/yahoo/sisimai-lhost-yahoo-03.eml',
  'fallback/oobd-hmailserver.eml',
  // The causes the transplants found (see the commits of bench/transplant.js).
  'siblings/exchange2007-two.eml',
  'siblings/x3-two.eml',
  'siblings/activehunter-transcript.eml',
  'labels/sendmail-diag-generic-text-specific.eml',
  'field-kinds/cases/p18-exchange-remote-server-returned-no-hash.eml',
  'unseen/oobd-kerio.eml',
  // X6: the reply is the balanced bracket that ends the sentence, brackets inside it kept.
  'heuristic/gateways/oobd-x6-two-errors.eml',
  'siblings/x6-two.eml',
  // Exim (GMX): "host: NAME [IP]" read in order, not cut at the reply's own "]".
  'heuristic/exim/sisimai-lhost-gmx-01.eml',
  'siblings/gmx-userunknown.eml',
  // Zoho: a second ERROR_CODE field that starts with its own reply code is the reply.
  'heuristic/mailers/oobd-zoho-error-code.eml',
  'siblings/zoho-spam.eml',
  // Domino: the code after "Returned a Permanent Error".
  'siblings/domino-mailboxfull.eml',
  // Exchange 2003: the code after the quoted "smtp;" of "<mx #5.0.0 smtp;552 ...>".
  'codes/dsn-exchange-2003-angle-host.eml',
  // A reply in brackets after the address that holds a colon is a reason, not an
  // MMDF-style "(host: ...)" group.
  'unseen/oobd-haraka-like.eml',
  'unseen/oobd-failed-recipients-list.eml',
  // A Sendmail verdict that carries a multi-line reply ("550-5.1.1 <a@b>... ", then
  // "550-5.1.1 ..." and "550 5.1.1 ..."): its lines go on with it (the heuristic parser
  // and a DSN's transcript both).
  'unseen/oobd-display.eml',
  'siblings/v5sendmail-two.eml',
  'variants/sendmail-expired.eml',
  // "Unknown address error 550-'...'": the quoted reply read without an enhanced code.
  'labels/dsn-unknown-diag-type-text.eml',
];

const deps: TransplantDeps = {
  parseMessage: (raw) => parseMessage(raw),
  isBounce,
  labelFindings,
  replyContext,
  inferenceReply,
  classifier: fixtureClassifier(),
};

describe('a reply transplanted into a bounce of a known format', () => {
  test('the subset names existing fixtures, one family or more each', () => {
    for (const file of SUBSET) expect(fs.existsSync(path.join(FIXTURES, file))).toBe(true);
    const families = new Set(
      SUBSET.filter((f) => f.startsWith('heuristic/')).map((f) => f.split('/')[1]),
    );
    const all = fs
      .readdirSync(path.join(FIXTURES, 'heuristic'))
      .filter((n) => fs.statSync(path.join(FIXTURES, 'heuristic', n)).isDirectory());
    expect([...families].sort()).toEqual(all.sort());
  });

  test.each(SUBSET)('%s keeps its recipients and takes every donor reply', (file) => {
    const results = checkMessage(deps, fs.readFileSync(path.join(FIXTURES, file), 'latin1'));
    // Every message of the subset has a reply the transplant finds.
    expect(results).not.toBeNull();
    expect(results).toHaveLength(DONORS.length);
    const failures = (results ?? []).flatMap((r) =>
      r.missed || r.template
        ? [`${r.donor}: not checked (${r.missed ? 'a copy not found' : 'no reply'})`]
        : r.failures.map((f) => `${r.donor}: ${f.kind}: ${f.detail}`),
    );
    expect(failures).toEqual([]);
  });
});

describe('the transplant itself', () => {
  test('replaces every copy of the reply and keeps the recipient', () => {
    const raw = fs.readFileSync(path.join(FIXTURES, 'rfc3464/kumomta-1.eml'), 'latin1');
    const results = checkMessage(deps, raw, [
      { name: 'probe', lines: ['550 5.1.1 probe text here'] },
    ]);
    const text = results?.[0]?.text ?? '';
    expect(text).toContain('probe text here');
    const before = parseMessage(Buffer.from(raw, 'latin1')).findings;
    const after = parseMessage(Buffer.from(text, 'latin1')).findings;
    expect(after.map((f) => f.recipient)).toEqual(before.map((f) => f.recipient));
    for (const f of after) if (f.kind === 'oob') expect(f.reply.content).toBe('probe text here');
  });

  test('reports a parser that keeps its sample reply as failing', () => {
    // A parser that ignores the message and returns the original's findings: every
    // donor must fail it.
    const raw = fs.readFileSync(path.join(FIXTURES, 'rfc3464/kumomta-1.eml'), 'latin1');
    const frozen = parseMessage(Buffer.from(raw, 'latin1'));
    const stuck: TransplantDeps = {
      ...deps,
      parseMessage: () => ({ ...frozen, findings: frozen.findings.map((f) => ({ ...f })) }),
    };
    const results = checkMessage(stuck, raw, DONORS.slice(0, 1)) ?? [];
    expect(results.length).toBe(1);
    expect(results[0]?.missed || (results[0]?.failures.length ?? 0) > 0).toBe(true);
  });
});

describe('the reply codes the transplants showed unread', () => {
  const failed = { status: null, action: 'failed' } as const;
  test.each([
    [
      "Remote Server returned '552 Requested mail action aborted: exceeded storage allocation'",
      552,
    ],
    ["Remote Server at relay.example.com (192.0.2.3) returned '550 No such user here'", 550],
    ['host 192.0.2.8: 552 <a@example.org>... Requested mail action aborted', 552],
    ['Mon 2011-01-03 10:00:01: <-- 450 Greylisted, please try again later', 450],
    // Lotus Domino names the reply's class before it.
    [
      'Error transferring to mx.example.net; SMTP Protocol Returned a Permanent Error 552 Requested mail action aborted: exceeded storage allocation',
      552,
    ],
    ['SMTP Protocol Returned a Transient Error 451 Try again later', 451],
    // Exchange 2003: the remote reply after its own diagnostic type, inside the wrapper.
    ['550 <mx.example.net #5.0.0 smtp;552 Requested mail action aborted>', 552],
    // A provider's code, then the remote reply with its own (Yahoo's "550: 552 ...",
    // as its parser passes it on).
    ['550 552 <a@example.org>... Requested mail action aborted', 552],
    ['550 554 Message refused', 554],
    // A reply quoted whole after its code and dash, without an enhanced code.
    ["5.1.0 - Unknown address error 550-'Requested action aborted: mailbox full'", 550],
    ["5.1.0 - Unknown address error 550-'552 <a@example.org>: Requested action aborted'", 552],
  ])('%s has reply code %d', (text, code) => {
    const read = readReply(text, failed);
    expect(read.coded).toBe(true);
    expect(read.reply.code).toBe(code);
  });

  test.each([
    // A number of bytes after the code is no second reply.
    ['550 552 bytes is the largest message accepted here', 550],
    // The class named in a sentence, no code after it.
    ['550 This is a permanent error. 4 attempts were made', 550],
  ])('%s keeps reply code %d', (text, code) => {
    expect(readReply(text, failed).reply.code).toBe(code);
  });

  test.each([
    ["Unknown address error 550-'Requested action aborted'", 'Requested action aborted'],
    // A quote that does not wrap the whole reply stays.
    ["550 'quoted' word", "'quoted' word"],
  ])('%s has content %s', (text, content) => {
    expect(readReply(text, failed).reply.content).toBe(content);
  });

  test("an enhanced code that leads the text is the quoted reply's when it has none", () => {
    const read = readReply("5.3.0 - Other mail system problem 550-'Unknown user a@example.org'", {
      status: { class: 5, subject: 0, detail: 0 },
      action: 'failed',
    }).reply;
    expect(read.code).toBe(550);
    expect(read.enhancedCode).toEqual({ class: 5, subject: 3, detail: 0 });
  });

  test.each([
    // A greeting after the transcript's server marker is no failure reply.
    'Mon 2011-01-03 10:00:01: <-- 220 mx.example.org ESMTP',
    // A version number or a time before a colon is no host.
    'Upgraded to 2.10: 550 messages were moved',
    'The server returned 550 results',
  ])('%s has no reply code of its own', (text) => {
    expect(readReply(text, failed).coded).toBe(false);
  });
});

describe('the reply shapes the widened donors showed unread', () => {
  const vague = { status: { class: 5, subject: 0, detail: 0 }, action: 'failed' } as const;
  test.each([
    // A colon right after the enhanced code labels the text (Postfix's "<a@b>:
    // Recipient address rejected" behind a server that writes "550 5.1.1: ...").
    [
      '550 5.1.1: <a@example.org>: Recipient address rejected',
      '5.1.1',
      '<a@example.org>: Recipient address rejected',
    ],
    ['host mx.example.net said: 554 5.7.1: Relay access denied', '5.7.1', 'Relay access denied'],
    // The enhanced code alone, then its colon.
    ['5.2.2: Mailbox quota exceeded', '5.2.2', 'Mailbox quota exceeded'],
    ['550 5.1.1:', '5.1.1', ''],
  ])('%s has enhanced code %s and content %j', (text, enhanced, content) => {
    const read = readReply(text, vague).reply;
    expect(read.enhancedCode).toEqual(parseEnhanced(enhanced));
    expect(read.content).toBe(content);
  });

  test.each([
    // A colon followed by more of the word is no label: a port, a version.
    '550 5.1.1:2525 refused',
    '550 Relay 5.1.1:beta refused',
  ])('%s keeps the Status for its enhanced code', (text) => {
    expect(readReply(text, vague).reply.enhancedCode).toEqual(vague.status);
  });

  test.each([
    // Postfix wraps its bounce text at 79 columns: the address inside the reply's
    // sentence lands on a continuation line.
    [
      [
        '<ann@example.org>: host mx.example.org[192.0.2.1] said: 550 5.1.1 The',
        '    mailbox <ann@example.org> is not known here (in reply to RCPT TO command)',
      ],
      '550 5.1.1 The mailbox <ann@example.org> is not known here',
    ],
    // The line ends in the reply's codes and their colon: the text follows, quoting
    // the address.
    [
      [
        '<ann@example.org>: host mx.example.org[192.0.2.1] said: 550 5.1.1:',
        '    <ann@example.org>: Recipient address rejected (in reply to RCPT TO command)',
      ],
      '550 5.1.1: <ann@example.org>: Recipient address rejected',
    ],
    // The reply's codes and their colon before the address: the whole line is the
    // reply, not the words after the address.
    [
      ['550 5.1.1: <ann@example.org>: no such mailbox'],
      '550 5.1.1: <ann@example.org>: no such mailbox',
    ],
  ])('a wrapped reply naming the address again goes on: %j', (lines, part) => {
    expect(reasonAbout(lines, 'ann@example.org')).toContain(part);
  });

  test.each([
    // A sentence ended before the address comes back: another mention.
    [['ann@example.org: mailbox is full.', '    Also refused: ann@example.org (quota)'], 'quota'],
    // A label before the address on the next line is no wrapped sentence.
    [['ann@example.org: delivery failed for', '    To: ann@example.org'], 'To:'],
  ])('a new mention of the address ends the reason: %j', (lines, absent) => {
    expect(reasonAbout(lines, 'ann@example.org')).not.toContain(absent);
  });
});

describe('a reply of a code alone (RFC 5321 §4.2: the text is optional)', () => {
  const failed = { status: null, action: 'failed' } as const;
  test.each([
    // Closed by the wrapper or the quote around it.
    ["Remote Server returned '554'", 554],
    ['550 <mx.example.net #5.0.0 smtp;554>', 554],
    ['554', 554],
  ])('%s has reply code %d and no text', (text, code) => {
    const read = readReply(text, failed);
    expect(read.coded).toBe(true);
    expect(read.reply.code).toBe(code);
    expect(read.reply.content).toBe('');
  });

  test.each([
    // A number in brackets after a sentence, a number in a URL: no reply there.
    ['Message rejected (554)', false],
    ['Rejected: see <http://x.example/554> here', false],
  ])('%s is no reply of a code alone', (text) => {
    expect(readReply(text, failed).reply.content).toBe(text);
  });
});

function parseEnhanced(s: string): { class: number; subject: number; detail: number } {
  const [c, sub, d] = s.split('.').map(Number);
  return { class: c ?? 0, subject: sub ?? 0, detail: d ?? 0 };
}
