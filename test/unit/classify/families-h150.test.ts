// The h150 families of rules/phrases.toml and the quoted-reply reading they come with,
// from field-kinds-15: a DANE client's failed TLSA lookup is a DNS failure for now
// (c01:8); the sending IP called bad as the reason is a block of the sender (c01:9); a
// relay that quotes the next server's verdict as a bracketed reason with only its
// enhanced code is read by that verdict (c01:6); an expiry that quotes the last
// temporary error is an expiry (c01:10). Loaded as the bundled config loads the shipped
// rules. Wordings written here, with the nearest phrases of other labels that must NOT
// get the family's label.
import { compileClassifier } from '../../../src/classify/index';
import { quotedReplyAt } from '../../../src/classify/reply-line';
import { describeFamilies, shippedRules } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  'a failed TLSA lookup under DANE': [
    ['451 4.7.5 TLSA lookup error for mx2.example.org:25', 'DNSFailure'],
    ['450 4.7.5 TLSA query failed for the host mail.example.net', 'DNSFailure'],
    ['451 Error looking up TLSA records for mx.example.com', 'DNSFailure'],
    ['TLSA record lookup timed out for in.example.org:25', 'DNSFailure'],
    // Nearest: no records at all, records that do not match, and a domain that is gone.
    [
      '454 4.7.5 Server certificate not verified: no matching DANE TLSA records',
      'AuthenticationFailed',
    ],
    [
      '550 5.1.2 Host or domain name not found. Name service error for name=example.org type=MX: Host not found',
      'BadDomain',
    ],
    ['451 4.4.3 Temporary DNS lookup failure for example.org', 'DNSFailure'],
  ],
  'the sending IP called bad as the reason': [
    ['550 5.7.1 Refused due to a bad sending IP address', 'SpamBlock'],
    ['554 Connection rejected for bad IP 192.0.2.7', 'SpamBlock'],
    ['550 Message blocked: bad IP reputation of 198.51.100.3', 'SpamBlock'],
    ['554 5.7.1 Not accepted because of your bad source IP', 'SpamBlock'],
    // Nearest: a bad literal or syntax, and a bad HELO name, which are not the IP's standing.
    ['501 5.5.2 Bad IP address literal in HELO', 'ProtocolErrors'],
    ['553 5.1.3 Bad IP address syntax in recipient', 'InvalidRecipient'],
    ['550 5.7.1 Rejected because bad HELO hostname', 'AuthenticationFailed'],
  ],
};

describeFamilies(FAMILIES);

const classifier = compileClassifier(shippedRules());

describe("a reason in brackets that opens with the next server's enhanced code", () => {
  it("is read as that server's reply under the wrapping reply's code", () => {
    const result = classifier.classifyLine(
      '550 GW17 delivery refused by the next hop. Reason: [ 5.1.1 Mailbox unknown here ] ref 9912',
    );
    expect(result.label).toBe('InvalidRecipient');
    expect(result.inner).toBe('550 5.1.1 Mailbox unknown here ] ref 9912');
    const quota = classifier.classifyLine(
      '552 Relay could not hand over the message (5.2.2 mailbox over its storage limit)',
    );
    expect(quota.label).toBe('QuotaIssues');
  });

  it('is not read when its class differs from the wrapping reply or the reply has its own code', () => {
    expect(quotedReplyAt('rejected [ 4.2.2 over quota ]', 2048, 550)).toBeNull();
    expect(quotedReplyAt('rejected [ 5.1.1 gone ]', 2048)).toBeNull();
    const own = classifier.classifyLine('550 5.7.1 Policy refusal [ 5.1.1 user unknown ]');
    expect(own.inner).toBeNull();
  });

  it('needs the bracket: a version or a bare number in running text is no code', () => {
    expect(quotedReplyAt('see release 5.1.1 notes', 2048, 550)).toBeNull();
    expect(quotedReplyAt('refused [5.1.1]', 2048, 550)).toBeNull();
    expect(quotedReplyAt('refused [ 5.1.1 gone', 2048, 550)).toEqual({
      reply: '550 5.1.1 gone',
      at: 10,
    });
  });
});

describe('an expiry that quotes the last temporary error', () => {
  it('is an expiry, whatever the quoted error says', () => {
    const line =
      '554 5.4.7 Message expired after 3 days; last attempt said: 421 4.4.0 no mail servers for this domain could be reached';
    expect(classifier.classifyLine(line)).toMatchObject({ label: 'MessageExpired', inner: null });
  });

  it("keeps the quoted words when the wrapping reply's own words say nothing", () => {
    const line = '550 Unable to deliver. Final answer was: 452 4.2.2 mailbox over quota';
    expect(classifier.classifyLine(line).label).toBe('QuotaIssues');
  });
});
