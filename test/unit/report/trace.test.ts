import { decodeTraceValue, tiesInText } from '../../../src/report/trace';

/** A KumoMTA trace header value: base64 of a JSON object carrying the `_@_` marker. */
const traceValue = (obj: Record<string, unknown>): string =>
  Buffer.from(JSON.stringify({ _at_: 0, ...obj, '_@_': '\\_/' })).toString('base64');

describe('KumoMTA trace header decoding', () => {
  it('reads a value folded at any point, white space between the base64 runs removed', () => {
    const value = traceValue({ campaign: 'spring' });
    const folded = ` ${value.slice(0, 7)}\n\t${value.slice(7, 20)} \r\n ${value.slice(20)}  `;
    expect(decodeTraceValue(folded)).toEqual({ _at_: 0, campaign: 'spring' });
    expect(decodeTraceValue(value)).toEqual({ _at_: 0, campaign: 'spring' });
  });

  it('refuses a value with a character outside base64, wherever it is', () => {
    const value = traceValue({ campaign: 'spring' });
    expect(decodeTraceValue(`${value.slice(0, 9)}.${value.slice(9)}`)).toBeNull();
    expect(decodeTraceValue(`${value} -`)).toBeNull();
    expect(decodeTraceValue('Microsoft Outlook 16.0')).toBeNull();
  });

  it('finds the Message-ID and a folded trace header among pasted header lines', () => {
    const value = traceValue({ tenant: 't1' });
    const text = [
      'Below this line is a copy of the message.',
      '',
      '  Message-ID: <abc@example.org>',
      `X-Kumo-Trace: ${value.slice(0, 12)}`,
      `  ${value.slice(12)}`,
      'Subject: hello',
    ].join('\n');
    expect(tiesInText(text)).toEqual({
      originalMessageId: 'abc@example.org',
      trace: { _at_: 0, tenant: 't1' },
    });
  });

  it('takes no field from a line that only starts like one', () => {
    expect(tiesInText('Message-ID <abc@example.org>\nMessage-ID')).toEqual({
      originalMessageId: null,
      trace: null,
    });
  });
});
