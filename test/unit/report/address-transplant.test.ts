// Address transplants (bench/address-transplant-lib.js, `npm run bench:addresses` for
// every development bounce): a held-out bounce of a format we know names recipients of
// shapes our samples rarely show. Each message here has its first failed recipient
// replaced, everywhere the raw text names it, by donor addresses of every RFC 5321
// §4.1.2 / RFC 6531 shape (plus-addressing, a 64-octet local part, a quoted local part
// with a space, an apostrophe, an address literal, U-labels and A-labels, VERP-like
// local parts, a long domain); the records must name the donor as written, keep every
// other recipient, and keep their label and codes. A recipient regex that stops at a
// quote, a bracket or a space in quotes, a charset that garbles UTF-8, fails here.
import fs from 'node:fs';
import path from 'node:path';
import {
  DONORS,
  checkMessage,
  replaceAddress,
  sameAddress,
  type AddressDeps,
} from '../../../bench/address-transplant-lib';
import { isBounce, labelFindings } from '../../../src/pipeline/records';
import { parseMessage } from '../../../src/report/index';
import { FIXTURES, fixtureClassifier } from '../../helpers/fixture-records';

/** One message or more per layout whose recipient reading the transplants tried. */
const SUBSET = [
  'rfc3464/kumomta-1.eml',
  'rfc6533/utf8-recipients.eml',
  'audit/sisimai-lhost-postfix-01.eml',
  'heuristic/exim/sisimai-lhost-exim-02.eml',
  'variants/exim-quota.eml',
  'heuristic/exim/sisimai-lhost-gmx-01.eml',
  'siblings/gmx-userunknown.eml',
  'heuristic/gateways/oobd-x6-two-errors.eml',
  'heuristic/gateways/oobd-barracuda.eml',
  'heuristic/exchange/sisimai-lhost-exchange2003-01.eml',
  'legacy/exchange55-unknown.eml',
  'heuristic/exchange/oobd-exchange2010-remote-returned.eml',
  'unseen/oobd-ex2007.eml',
  'unseen/oobd-cgpro.eml',
  'heuristic/google/sisimai-lhost-gmail-18.eml',
  'heuristic/qmail/sisimai-lhost-qmail-02.eml',
  'heuristic/sendmail/sisimai-lhost-x1-01.eml',
  'heuristic/lotus/oobd-notes-failure-reasons.eml',
];

const deps: AddressDeps = {
  parseMessage: (raw) => parseMessage(raw),
  isBounce,
  labelFindings,
  classifier: fixtureClassifier(),
};

describe('an address transplanted into a bounce of a known format', () => {
  test.each(SUBSET)('%s names every donor address and nothing else', (file) => {
    const results = checkMessage(deps, fs.readFileSync(path.join(FIXTURES, file), 'latin1'));
    expect(results).not.toBeNull();
    expect(results).toHaveLength(DONORS.length);
    const failures = (results ?? []).flatMap((r) =>
      r.failures.map((f) => `${r.address}: ${f.kind}: ${f.detail}`),
    );
    expect(failures).toEqual([]);
  });
});

describe('the address transplant itself', () => {
  test('replaces every copy in any case, and no longer address that holds it', () => {
    const raw =
      'To: <Kiji@Example.ORG>\nkiji@example.org: unknown\nxkiji@example.org\nkiji@example.org.uk\n';
    const done = replaceAddress(raw, 'kiji@example.org', '"john doe"@example.net');
    expect(done?.count).toBe(2);
    expect(done?.text).toBe(
      'To: <"john doe"@example.net>\n"john doe"@example.net: unknown\nxkiji@example.org\nkiji@example.org.uk\n',
    );
  });

  test('compares the domain without case and the local part as written', () => {
    expect(sameAddress('John@Example.COM', 'John@example.com')).toBe(true);
    expect(sameAddress('john@example.com', 'John@example.com')).toBe(false);
  });

  test('reports a parser that keeps the original recipient as failing', () => {
    const raw = fs.readFileSync(path.join(FIXTURES, 'rfc3464/kumomta-1.eml'), 'latin1');
    const frozen = parseMessage(Buffer.from(raw, 'latin1'));
    const stuck: AddressDeps = {
      ...deps,
      parseMessage: () => ({ ...frozen, findings: frozen.findings.map((f) => ({ ...f })) }),
    };
    const results = checkMessage(stuck, raw, null, DONORS.slice(0, 1)) ?? [];
    expect(results).toHaveLength(1);
    expect(results[0]?.failures.map((f) => f.kind)).toEqual(['original kept']);
  });
});
