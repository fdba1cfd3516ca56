import { createHmac } from 'node:crypto';
import { signatureHeader, verifySignature } from '../../../src/hooks/signature';

describe('hook signatures', () => {
  const body = '[{"type":"OOB","id":"1"}]';

  it('signs "<t>.<body>" with HMAC-SHA256 in Stripe\'s t=,v1= form', () => {
    const expected = createHmac('sha256', 'k').update(`1700000000.${body}`).digest('hex');
    expect(signatureHeader('k', body, 1700000000)).toBe(`t=1700000000,v1=${expected}`);
  });

  it('verifies its own signature within the tolerance', () => {
    const header = signatureHeader('k', body, 1700000000);
    expect(verifySignature('k', header, body, { now: 1700000100 })).toBe(true);
    expect(verifySignature('k', header, Buffer.from(body), { now: 1700000100 })).toBe(true);
  });

  it('refuses another body, another secret, an old or future timestamp and junk', () => {
    const header = signatureHeader('k', body, 1700000000);
    expect(verifySignature('k', header, `${body} `, { now: 1700000000 })).toBe(false);
    expect(verifySignature('other', header, body, { now: 1700000000 })).toBe(false);
    expect(verifySignature('k', header, body, { now: 1700000301 })).toBe(false);
    expect(verifySignature('k', header, body, { now: 1699999699 })).toBe(false);
    expect(
      verifySignature('k', header.replace('t=1700000000', 't=1700000001'), body, {
        now: 1700000000,
      }),
    ).toBe(false);
    expect(verifySignature('k', undefined, body)).toBe(false);
    expect(verifySignature('k', 'v1=zz,t=x', body)).toBe(false);
  });

  it('accepts any one of several v1 entries (a receiver rotating secrets can check both)', () => {
    const good = signatureHeader('k', body, 1700000000).split(',')[1]!;
    const header = `t=1700000000,v1=${'0'.repeat(64)},${good}`;
    expect(verifySignature('k', header, body, { now: 1700000000 })).toBe(true);
  });
});
