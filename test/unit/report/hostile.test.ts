// Everything arriving over SMTP is hostile: malformed, truncated, huge or random
// input yields findings or an empty result, never an exception or a hang. These
// tests also show the parsers get there without parseMessage's last-resort catch.
import { parseMessage } from '../../../src/report/index';
import type { ParseResult } from '../../../src/report/types';
import { readFixture } from '../../helpers/fixture-records';

/** Deterministic pseudo-random bytes (mulberry32), so a failure can be replayed. */
function randomBytes(seed: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let a = seed >>> 0;
  for (let i = 0; i < length; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return out;
}

/**
 * Parses hostile input and checks it fails soft. A hang is caught by jest's timeout;
 * how fast hostile input parses is measured by `npm run bench:hostile`, not asserted here.
 */
function parseBounded(raw: Uint8Array | string): ParseResult {
  const input = typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw;
  const result = parseMessage(input);
  expect(result.problems.map((p) => p.code)).not.toContain('internal');
  return result;
}

const dsnHead =
  'From: MAILER-DAEMON@mx.example.net\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\n\n';
const dsnPart = (body: string, extra = ''): string =>
  `--b\nContent-Type: message/delivery-status\n${extra}\n${body}\n--b--\n`;
const block = (n: number): string =>
  `Final-Recipient: rfc822; user${n}@example.com\nAction: failed\nStatus: 5.1.1\n`;

describe('hostile input', () => {
  it('returns an empty result for empty input', () => {
    expect(parseBounded('')).toEqual({ kind: 'none', findings: [], problems: [] });
  });

  it('returns an empty result for a megabyte of NUL bytes', () => {
    expect(parseBounded(Buffer.alloc(1024 * 1024)).findings).toEqual([]);
  });

  it('reads a DSN with NUL bytes in its fields', () => {
    const r = parseBounded(
      dsnHead +
        dsnPart(
          'Reporting-MTA: dns; m\0x\n\n' +
            'Final-Recipient: rfc822; nul@example.com\nAction: failed\0\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 no\0such user\n',
        ),
    );
    const f = r.findings[0];
    expect(f?.kind === 'oob' && f.recipient).toBe('nul@example.com');
    expect(f?.kind === 'oob' && f.reply.content).toBe('no such user');
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('survives random bytes (seed %i)', (seed) => {
    parseBounded(randomBytes(seed, 64 * 1024));
  });

  it('survives random bytes after valid report headers', () => {
    for (let seed = 10; seed < 20; seed++)
      parseBounded(
        Buffer.concat([
          Buffer.from(dsnHead + '--b\nContent-Type: message/delivery-status\n\n'),
          randomBytes(seed, 16 * 1024),
        ]),
      );
  });

  it('walks at most 1,000 of 10,000 parts and still reads the report', () => {
    let body = dsnHead + dsnPart(block(1)).replace('--b--\n', '');
    for (let i = 0; i < 10_000; i++) body += '--b\nContent-Type: text/plain\n\nfiller\n';
    body += '--b--\n';
    const r = parseBounded(body);
    expect(r.findings).toHaveLength(1);
    expect(r.problems.map((p) => p.code)).toContain('mime.too-many-parts');
  });

  it('survives a one-megabyte header line', () => {
    const r = parseBounded(
      'Subject: ' + 'x'.repeat(1024 * 1024) + '\n' + dsnHead + dsnPart(block(1)),
    );
    expect(r.findings).toHaveLength(1);
    expect(r.problems.map((p) => p.code)).toContain('mime.header-truncated');
  });

  it('survives a one-megabyte folded header field and a one-megabyte field in the report', () => {
    const folded = 'X-Long: a\n' + ' b\n'.repeat(350_000);
    parseBounded(
      folded +
        dsnHead +
        dsnPart('Reporting-MTA: dns; ' + 'm'.repeat(1024 * 1024) + '\n\n' + block(1)),
    );
  });

  it('survives a one-megabyte body line without line ends', () => {
    parseBounded(dsnHead + '--b\nContent-Type: text/plain\n\n' + 'y'.repeat(1024 * 1024));
  });

  it('reads a delivery-status part whose base64 is invalid as far as it decodes', () => {
    const b64 = Buffer.from(block(7)).toString('base64');
    const r = parseBounded(
      dsnHead +
        dsnPart(
          b64.slice(0, 20) + '!!!*** ' + b64.slice(20),
          'Content-Transfer-Encoding: base64\n',
        ),
    );
    expect(r.problems.map((p) => p.code)).toContain('mime.bad-base64');
  });

  it('reads a report whose multipart has no delimiters at all', () => {
    const r = parseBounded(
      'From: MAILER-DAEMON@x.example\nContent-Type: multipart/report; boundary=nothere\n\n' +
        block(3),
    );
    expect(r.problems.map((p) => p.code)).toContain('mime.boundary-not-found');
  });

  it('reads a report cut off in its headers, its boundary line and its fields', () => {
    const raw = readFixture('rfc3464/kumomta-2.eml').toString('latin1');
    for (const cut of [
      10,
      raw.indexOf('boundary='),
      raw.indexOf('--JAA13167') + 5,
      raw.indexOf('Action:') + 3,
    ])
      parseBounded(raw.slice(0, cut));
  });

  it('stops walking 5,000 nested multiparts at the depth limit', () => {
    let s = '';
    for (let i = 0; i < 5000; i++)
      s += `Content-Type: multipart/mixed; boundary=b${i}\n\n--b${i}\n`;
    const r = parseBounded(s + 'Content-Type: text/plain\n\nleaf\n');
    expect(r.problems.map((p) => p.code)).toContain('mime.too-deep');
  });

  it('stops walking 5,000 nested message/rfc822 parts at the depth limit', () => {
    parseBounded('Content-Type: message/rfc822\n\n'.repeat(5000) + 'Subject: x\n\nbody');
  });

  it('survives many lines that look like delimiters but are not', () => {
    parseBounded(dsnHead + '--bx\n'.repeat(200_000) + dsnPart(block(1)));
  });

  it('reads 10,000 recipients in linear time', () => {
    let fields = 'Reporting-MTA: dns; mx\n\n';
    for (let i = 0; i < 10_000; i++) fields += block(i) + '\n';
    expect(parseBounded(dsnHead + dsnPart(fields)).findings).toHaveLength(10_000);
  });

  it('looks up replies in a large notification text for a bounded number of recipients', () => {
    let fields = 'Reporting-MTA: dns; mx\n\n';
    for (let i = 0; i < 10_000; i++)
      fields += `Final-Recipient: rfc822; user${i}@example.com\nAction: failed\nStatus: 5.0.0\n\n`;
    const text = 'user9999@example.com is what this line is not about\n'.repeat(20_000);
    const head = dsnHead + '--b\nContent-Type: text/plain\n\n' + text;
    expect(parseBounded(head + dsnPart(fields)).findings).toHaveLength(10_000);
  });

  it('reads the first 50,000 fields of a larger report and says it stopped', () => {
    let fields = '';
    for (let i = 0; i < 20_000; i++) fields += block(i) + '\n';
    const r = parseBounded(dsnHead + dsnPart(fields));
    expect(r.findings).toHaveLength(16_667);
    expect(r.problems.map((p) => p.code)).toContain('mime.header-truncated');
  });

  it('survives a Content-Type with thousands of parameters and an unterminated quote', () => {
    parseBounded(
      'Content-Type: multipart/mixed; ' + 'a=b; '.repeat(20_000) + 'boundary="unterminated\n\nx',
    );
  });

  it('survives thousands of encoded words in a subject', () => {
    parseBounded(
      'Subject: ' +
        '=?utf-8?B?w6k=?= '.repeat(20_000) +
        '\nAuto-Submitted: auto-replied\nFrom: a@example.com\n\nbody',
    );
  });

  describe('in the shapes the non-RFC families read', () => {
    /** Header fields and a first line that make each family parse (its evidence), not only detect. */
    const starts = [
      'From: MAILER-DAEMON@x.example\nSubject: failure notice\n\nHi. This is the qmail-send program at x.\n',
      'From: Mail Delivery System <Mailer-Daemon@x.example>\nMessage-Id: <E1aaaaa-000000-00@x.example>\n\nA message that you sent was rejected by the local scanning code that\nchecks incoming messages on this system. The following error was given:\n',
      'From: MAILER-DAEMON@x.example\n\n   ----- The following addresses had permanent fatal errors -----\n',
      'From: MAILER-DAEMON@x.example\nSubject: Undelivered Mail Returned to Sender\n\n',
      'From: postmaster@x.example\nX-MS-Exchange-Message-Is-Ndr: \n\nReported error:\n',
      'From: postmaster@x.example\n\nThe following recipient(s) cannot be reached:\n',
      'From: postmaster@x.example\nX-MIMETrack: x\n\nwas not delivered to:\n',
      'From: postmaster@x.example\nX-Mailer: <SMTP32 v8>\n\nMessage undeliverable to\n',
      'From: postmaster@x.example\nSubject: Mail System Error - Returned Mail\n\n',
      'From: postmaster@x.example\nX-MC-System: x\n\n-- a@b.example\n',
      'From: postmaster@x.example\n\n12 error(s):\n',
      'From: postmaster@x.example\n\nThis report relates to a message you sent\n',
      'From: "Courier mail server at x" <@>\n\nUNDELIVERABLE MAIL\n',
      'From: MAILER-DAEMON@x.example\nContent-Type: text/html\n\n<pre>Hi. This is the qmail-send program at x.\n',
    ];
    /** Bodies that stress the line shapes the families look for, about 300 KB each. */
    const bodies = [
      '<a@b.example>:\n-- c@d.example\n'.repeat(10_000),
      '  a@b.example\n    reason:\n'.repeat(10_000),
      'Unknown user: a@b.example\nundeliverable to\n'.repeat(8_000),
      '<x <a@b.example> [y] <z> '.repeat(12_000),
      'x on 1/1/2000\n  <h #5.0.0 smtp;550 <a@b.example>>\n'.repeat(6_000),
      '<'.repeat(150_000) + '&lt;'.repeat(40_000),
    ];

    it.each(starts.map((s, i) => [i, s]))('never throws on family start %i', (_i, start) => {
      for (const body of bodies) {
        const r = parseBounded(start + body);
        expect(r.findings.length).toBeLessThanOrEqual(10_000);
      }
    });
  });

  it('turns an unexpected exception into an internal problem as a last defence', () => {
    const r = parseMessage(null as unknown as Uint8Array);
    expect(r.kind).toBe('none');
    expect(r.findings).toEqual([]);
    expect(r.problems.map((p) => p.code)).toEqual(['internal']);
  });
});
