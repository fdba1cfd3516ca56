// The server-rendered page: every value from a record or the URL is escaped.
import { escapeHtml, renderPage, renderRow, rowFields, ruleLine } from '../../../src/http/page';
import { parseWebQuery } from '../../../src/http/web-query';
import { makeRecord, type LogRecord } from '../../../src/log/record';

const SCRIPT = '<script>alert(1)</script>';

function hostile(): LogRecord {
  return makeRecord(
    {
      id: 'x'.repeat(32),
      created: new Date(Date.UTC(2025, 0, 31, 8)),
      nodeid: 'n',
      session_id: 's',
    },
    {
      type: 'OOB',
      sender: 'bounce@bounce.example.com',
      recipient: `"><img src=x onerror=alert(2)>@evil.example`,
      queue: 'bounce.example.com',
      response: {
        code: 550,
        enhanced_code: { class: 5, subject: 0, detail: 0 },
        content: SCRIPT,
        command: null,
      },
      peer_address: null,
      bounce_classification: `<b onmouseover='x'>Label</b>`,
    },
  );
}

describe('web view page', () => {
  it('escapes the characters that end text or an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('renders a record row with every field as text', () => {
    const row = renderRow(hostile());
    expect(row).toContain('<td class="reply">&lt;script&gt;alert(1)&lt;/script&gt;</td>');
    expect(row).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;@evil.example');
    expect(row).toContain('&lt;b onmouseover=&#39;x&#39;&gt;Label&lt;/b&gt;');
    expect(row).toContain('<time datetime="2025-01-31T08:00:00Z">2025-01-31 08:00:00</time>');
    expect(row).not.toMatch(/<script|<img|<b /);
  });

  it('shows an MDN (the Reception carrying mdn_report) as MDN about its recipient, and a Feedback record by the complained-about addresses', () => {
    const base = hostile();
    const mdn: LogRecord = {
      ...base,
      type: 'Reception',
      recipient: 'mdn@bounce.example.com',
      bounce_classification: 'Uncategorized',
      mdn_report: {
        disposition: { action_mode: null, sending_mode: null, type: 'displayed', modifiers: [] },
        final_recipient: 'reader@corp.example',
        original_recipient: null,
        original_message_id: null,
        reporting_ua: null,
        supplemental_trace: null,
      },
    };
    // Classified by what they are, not by the "Uncategorized" of their records (which
    // would read as bounces no rule knows).
    expect(rowFields(mdn)).toMatchObject({
      type: 'MDN',
      recipient: 'reader@corp.example',
      classification: 'MDN: displayed',
    });
    const feedback: LogRecord = {
      ...base,
      type: 'Feedback',
      sender: 'fbl@provider.example',
      recipient: 'fbl@bounce.example.com',
      bounce_classification: 'Uncategorized',
      feedback_detail: {
        source: 'rfc5965',
        recipients: ['complainer@mail.example'],
        recipient_from: 'returned-message',
        original_message_id: null,
      },
    };
    expect(rowFields(feedback)).toMatchObject({
      type: 'Feedback',
      recipient: 'complainer@mail.example',
      domain: 'mail.example',
      classification: 'Feedback',
    });
    const abuse: LogRecord = {
      ...feedback,
      feedback_report: { feedback_type: 'Abuse' } as NonNullable<LogRecord['feedback_report']>,
    };
    expect(rowFields(abuse).classification).toBe('Feedback: abuse');
    // Naming nobody, it shows nobody: never the report's own RCPT TO.
    const nobody = {
      ...feedback,
      feedback_detail: { ...feedback.feedback_detail!, recipients: [] },
    };
    expect(rowFields(nobody).recipient).toBe('');
  });

  it('renders filters from the URL escaped, and the rule line as oobd rules audit prints it', () => {
    const query = parseWebQuery(
      new URLSearchParams(`domain="><script>x</script>&class=${encodeURIComponent(SCRIPT)}`),
      Date.now(),
      { since: '24h' },
    );
    const html = renderPage({
      tab: 'uncategorized',
      query,
      records: [],
      next: null,
      groups: {
        total: 1,
        groups: [{ count: 1, key: SCRIPT, pattern: `(?i)<script>x`, example: SCRIPT }],
      },
      classifications: [SCRIPT],
      position: 'p1~',
      coverage: { ready: true, records: 0, truncatedBefore: null },
      logsDir: '/var/lib/oobd/<logs>',
    });
    expect(html.match(/<script/g)).toEqual(['<script']);
    expect(html).toContain('<script src="/assets/app.js" defer></script>');
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
    expect(html).toContain(escapeHtml(ruleLine('(?i)<script>x')));
    expect(ruleLine('(?i)user\\s+unknown')).toBe(`'(?i)user\\s+unknown',`);
  });
});
