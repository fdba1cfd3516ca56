// Numbers in a diagnostic that look like codes and are none, and reply codes outside
// RFC 5321 §4.2's range that servers still send. Sources: RFC 3463 §3 and the RFC 5248
// registry (enhanced-code subjects 0-7), RFC 5321 §4.2 (second digit 0-5), Microsoft's
// IIS SMTP / Exchange 5.5 replies ("571 Delivery not authorized"). Wordings are ours.
import { extractReply, parseStatus } from '../../../src/report/reply';
import { formatEnhancedCode } from '../../../src/values';

const status = (s: string) => parseStatus(s).code;
const read = (text: string, st: string | null = null, action = 'failed') => {
  const r = extractReply(text, { status: st === null ? null : status(st), action });
  return { code: r.code, enhanced: r.enhancedCode ? formatEnhancedCode(r.enhancedCode) : null };
};

describe('dotted version numbers in a diagnostic', () => {
  it('does not read an MTA version with a two-digit middle part as an enhanced code', () => {
    expect(read('MailScanner 4.85.2 could not hand the message on').enhanced).toBeNull();
  });

  it('does not read a version in brackets at the end of the text as an enhanced code', () => {
    expect(read('No route to the destination domain (Exim 4.97.1)').enhanced).toBeNull();
  });

  it('does not read a version named by the word version inside a bracket', () => {
    expect(read('filter gave up (version 5.2.1)').enhanced).toBeNull();
  });

  it('does not read a version inside a reply as the reply enhanced code', () => {
    expect(read('554 Refused by our gateway 5.12.3 after scanning')).toEqual({
      code: 554,
      enhanced: null,
    });
  });

  it('still reads an enhanced code of a registered subject given in passing', () => {
    expect(read('the recipient server refused it: 5.7.1 not allowed').enhanced).toBe('5.7.1');
  });

  it('keeps a three-digit detail written right after the reply code', () => {
    expect(read('550 5.7.612 Access denied, forwarding not permitted')).toEqual({
      code: 550,
      enhanced: '5.7.612',
    });
  });

  it('lets the Status stand when the only dotted number in the text is a version', () => {
    expect(read('MailScanner 4.85.2 timed out', '4.4.7')).toEqual({
      code: 451,
      enhanced: '4.4.7',
    });
  });
});

describe('reply codes outside the RFC 5321 range', () => {
  it('reads a 571 that opens the diagnostic as the reply code', () => {
    expect(read('571 Relaying is not permitted from your network')).toEqual({
      code: 571,
      enhanced: null,
    });
  });

  it('does not read a count that opens the diagnostic as a reply code', () => {
    expect(read('480 messages were still queued when the host went away').code).toBe(550);
  });

  it('does not read an out-of-range number in the middle of the text as a reply code', () => {
    expect(read('the filter answered 571 Denied').code).toBe(550);
  });

  it('does not read an out-of-range number followed by another number as a reply code', () => {
    expect(read('470 1234 queue entries dropped').code).toBe(550);
  });
});
