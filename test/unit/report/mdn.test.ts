import { parseMessage } from '../../../src/report/index';
import { parseDisposition } from '../../../src/report/mdn';
import type { MdnFinding } from '../../../src/report/types';
import { readFixture } from '../../helpers/fixture-records';

function mdn(raw: Buffer): MdnFinding {
  const r = parseMessage(raw);
  const f = r.findings[0];
  if (r.kind !== 'mdn' || f?.kind !== 'mdn')
    throw new Error(`expected an MDN finding, got ${JSON.stringify(r)}`);
  return f;
}

describe('RFC 8098 disposition notifications', () => {
  it('reads the RFC example', () => {
    const f = mdn(readFixture('rfc8098/rfc8098-example.eml'));
    expect(f.recipient).toBe('Joe_Recipient@example.com');
    expect(f.report).toEqual({
      disposition: {
        action_mode: 'manual-action',
        sending_mode: 'MDN-sent-manually',
        type: 'displayed',
        modifiers: [],
      },
      final_recipient: 'Joe_Recipient@example.com',
      original_recipient: 'Joe_Recipient@example.com',
      original_message_id: '199509192301.23456@example.org',
      reporting_ua: 'joes-pc.cs.example.com; Foomail 97.1',
      supplemental_trace: null,
    });
    expect(f.time?.toISOString()).toBe('1995-09-20T04:19:00.000Z');
  });

  it('reads an automatic deletion with a modifier, types in any case, and the returned headers', () => {
    const raw = Buffer.from(
      [
        'Content-Type: multipart/report; report-type="Disposition-Notification"; boundary="m"',
        '',
        '--m',
        'Content-Type: Message/Disposition-Notification',
        '',
        'Reporting-UA: mail.example.net; ExampleMail/3.2',
        'Final-Recipient: rfc822; kim@example.net',
        'Disposition: Automatic-Action/MDN-Sent-Automatically; Deleted/Error',
        '',
        '--m',
        'Content-Type: text/rfc822-headers',
        '',
        'To: kim@example.net',
        'Message-ID: <q1-numbers@example.com>',
        '--m--',
      ].join('\n'),
    );
    const f = mdn(raw);
    expect(f.recipient).toBe('kim@example.net');
    expect(f.report.disposition).toEqual({
      action_mode: 'automatic-action',
      sending_mode: 'MDN-sent-automatically',
      type: 'deleted',
      modifiers: ['error'],
    });
    expect(f.report.original_message_id).toBe('q1-numbers@example.com');
  });

  it('reads partial dispositions as far as they go', () => {
    expect(parseDisposition('displayed')).toEqual({
      action_mode: null,
      sending_mode: null,
      type: 'displayed',
      modifiers: [],
    });
    expect(parseDisposition('manual-action; ')).toEqual({
      action_mode: 'manual-action',
      sending_mode: null,
      type: null,
      modifiers: [],
    });
    expect(parseDisposition(null)).toEqual({
      action_mode: null,
      sending_mode: null,
      type: null,
      modifiers: [],
    });
  });
});
