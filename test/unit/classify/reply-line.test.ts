import { parseReplyLine, replyLine } from '../../../src/classify/index';
import { leadingCodesLength, quotedReplyAt } from '../../../src/classify/reply-line';

/** The reply quotedReplyAt finds, or null. */
const quotedReply = (text: string, limit: number): string | null =>
  quotedReplyAt(text, limit)?.reply ?? null;

describe('replyLine', () => {
  it('writes code, enhanced code and content as KumoMTA does', () => {
    expect(
      replyLine({
        code: 550,
        enhancedCode: { class: 5, subject: 1, detail: 1 },
        content: 'no',
        command: null,
      }),
    ).toBe('550 5.1.1 no');
  });

  it('leaves out a missing enhanced code', () => {
    expect(replyLine({ code: 451, enhancedCode: null, content: 'greylisted', command: null })).toBe(
      '451 greylisted',
    );
  });

  it('turns every CR and every LF into one space', () => {
    expect(
      replyLine({ code: 550, enhancedCode: null, content: 'a\r\nb\nc\rd', command: null }),
    ).toBe('550 a  b c d');
  });
});

describe('parseReplyLine', () => {
  it('splits a reply into code, enhanced code and content', () => {
    expect(parseReplyLine('550 5.1.1 <a@b.example>: user unknown')).toEqual({
      code: 550,
      enhancedCode: { class: 5, subject: 1, detail: 1 },
      content: '<a@b.example>: user unknown',
      command: null,
    });
  });

  it('reads an enhanced code written after "#" or in brackets or braces', () => {
    for (const text of [
      '550 #5.7.1 not accepted here',
      '550 [5.7.1] not accepted here',
      '550 (5.7.1) not accepted here',
      '550 {5.7.1} not accepted here',
    ])
      expect(parseReplyLine(text)).toEqual({
        code: 550,
        enhancedCode: { class: 5, subject: 7, detail: 1 },
        content: 'not accepted here',
        command: null,
      });
    // A bracket that does not close right after the code, or a mismatched one, is text.
    expect(parseReplyLine('550 {5.7.1}x refused').enhancedCode).toBeNull();
    expect(parseReplyLine('550 {5.7.1] refused').enhancedCode).toBeNull();
  });

  it('accepts the hyphen of a multi-line reply', () => {
    expect(parseReplyLine('550-5.7.26 unauthenticated')).toEqual({
      code: 550,
      enhancedCode: { class: 5, subject: 7, detail: 26 },
      content: 'unauthenticated',
      command: null,
    });
  });

  it('drops the codes a joined multi-line reply repeats on each of its lines', () => {
    expect(
      parseReplyLine(
        '451-4.3.0 the archive service is 451-4.3.0 restarting, come back 451 4.3.0 in ten minutes',
      ).content,
    ).toBe('the archive service is restarting, come back in ten minutes');
    // Without an enhanced code only the hyphen marks a repeat: the last line's "554 "
    // cannot be told from a number of the text, so it stays.
    expect(parseReplyLine('554-Go away. 554-This host takes 554 no bulk mail').content).toBe(
      'Go away. This host takes 554 no bulk mail',
    );
  });

  it('keeps a number of the text that only looks like the repeated code', () => {
    // Not followed by a hyphen, nor by the reply's enhanced code: a count, a size.
    expect(parseReplyLine('550-5.7.1 you sent 550 messages 550 5.7.1 today').content).toBe(
      'you sent 550 messages today',
    );
    // Not a multi-line reply at all: a single line names another reply's code.
    expect(parseReplyLine('550 5.1.1 relay said 550-5.1.1 no such user').content).toBe(
      'relay said 550-5.1.1 no such user',
    );
    expect(parseReplyLine('452-4.2.2 box 4521-x full').content).toBe('box 4521-x full');
  });

  it('reads a reply without an enhanced code', () => {
    expect(parseReplyLine('554 Mail rejected for policy reasons')).toEqual({
      code: 554,
      enhancedCode: null,
      content: 'Mail rejected for policy reasons',
      command: null,
    });
  });

  it('takes 550 or 451 from the class when only an enhanced code is given', () => {
    expect(parseReplyLine('5.2.2 mailbox full').code).toBe(550);
    expect(parseReplyLine('4.2.2 mailbox full').code).toBe(451);
    expect(parseReplyLine('mailbox full')).toEqual({
      code: 550,
      enhancedCode: null,
      content: 'mailbox full',
      command: null,
    });
  });

  it('reads a reply code written as a label, a colon and a space after it', () => {
    const labelled = parseReplyLine('552: 5.2.2 Mailbox size limit exceeded');
    expect(replyLine(labelled)).toBe('552 5.2.2 Mailbox size limit exceeded');
    expect(parseReplyLine('554: transaction refused').code).toBe(554);
    expect(parseReplyLine('554: transaction refused').content).toBe('transaction refused');
    // A colon with no space after it is a port or a time, not a label.
    expect(parseReplyLine('550:25 closed').content).toBe('550:25 closed');
  });

  it('does not take a longer number or an IP address for a code', () => {
    expect(parseReplyLine('5500 x').enhancedCode).toBeNull();
    expect(parseReplyLine('5500 x').content).toBe('5500 x');
    expect(parseReplyLine('550 5.1.1234 x').enhancedCode).toBeNull();
    expect(parseReplyLine('550 192.0.2.1 blocked').enhancedCode).toBeNull();
  });

  it.each([
    '550 5.1.1 user unknown',
    '451 4.7.1 greylisted, try again later',
    '554 Mail rejected',
    '552 5.2.2',
  ])('round-trips %j through replyLine', (line) => {
    const parsed = parseReplyLine(line);
    expect(replyLine(parsed).trimEnd()).toBe(line);
  });
});

describe('leadingCodesLength', () => {
  it('measures the reply code, the enhanced code and the spaces after them', () => {
    expect(leadingCodesLength('550 5.1.1 user unknown')).toBe('550 5.1.1 '.length);
    expect(leadingCodesLength('550-5.1.1 user unknown')).toBe('550-5.1.1 '.length);
    expect(leadingCodesLength('451 greylisted')).toBe('451 '.length);
    expect(leadingCodesLength('550 5.1.10x')).toBe('550 '.length);
    expect(leadingCodesLength('no code here')).toBe(0);
    expect(leadingCodesLength('550: 5.7.1 refused')).toBe('550: 5.7.1 '.length);
  });
});

describe('quotedReplyAt', () => {
  it('finds a reply with both codes after a space or a quote opener', () => {
    expect(quotedReply('relay said: 550 5.1.1 user unknown', 2048)).toBe('550 5.1.1 user unknown');
    expect(quotedReply('(remote: 452-4.2.2 over quota)', 2048)).toBe('452 4.2.2 over quota)');
    expect(quotedReply('"554 5.7.1 denied"', 2048)).toBe('554 5.7.1 denied"');
  });

  it('ignores codes inside words, numbers, names and URLs, and bare reply codes', () => {
    for (const text of [
      'see https://example.org/550-5.7.1 for help',
      'order 1550 5.1.1 thing',
      'ref=550-5.1.1 x',
      'mx550 5.1.1 x',
      'relay said: 550 user unknown',
      'relay said: 250 2.0.0 ok',
      'relay said: 550 5.1.1x',
    ]) {
      expect(quotedReply(text, 2048)).toBeNull();
    }
  });

  it('reads no further than its limit', () => {
    const text = `${'x'.repeat(100)} 550 5.1.1 gone`;
    expect(quotedReply(text, 50)).toBeNull();
    expect(quotedReply(text, 200)).toBe('550 5.1.1 gone');
  });
});
