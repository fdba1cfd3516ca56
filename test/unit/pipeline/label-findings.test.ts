// labelFindings hands the classifier what the line cannot carry: the stage, the DSN
// action and Status, and the diagnostic type and text of each finding (rules/context.toml).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileClassifier } from '../../../src/classify/index';
import { SHIPPED_RULES_FILES } from '../../../src/config/server';
import { labelFindings, replyContext } from '../../../src/pipeline/records';
import { parseMessage } from '../../../src/report/index';
import type { OobFinding } from '../../../src/report/types';

const ROOT = join(__dirname, '../../..');
const classifier = compileClassifier(
  SHIPPED_RULES_FILES.map((file) => ({ file, text: readFileSync(join(ROOT, file), 'utf8') })),
);

function oobFindings(file: string): OobFinding[] {
  const result = labelFindings(parseMessage(readFileSync(join(ROOT, file))), classifier);
  return result.findings.filter((finding): finding is OobFinding => finding.kind === 'oob');
}

describe('labelFindings', () => {
  it('labels a local delivery program failure (X-Unix) as a mailer problem, not by its words', () => {
    const [finding] = oobFindings('fixtures/audit/sisimai-lhost-postfix-01.eml');
    expect(finding?.report.diagnostic_code?.type.toLowerCase()).toBe('x-unix');
    expect(finding?.label).toBe('BadConfiguration');
    // The same reply line alone would blame the recipient.
    expect(finding && classifier.classify(finding.reply).label).toBe('InvalidRecipient');
  });

  it('reads the stage from the diagnostic text when the reply came at the greeting', () => {
    const [finding] = oobFindings('fixtures/audit/sisimai-lhost-postfix-49.eml');
    expect(finding?.label).toBe('PolicyRelated');
    expect(finding && classifier.classify(finding.reply).label).toBe('TransientFailure');
  });

  it("labels a final bounce whose Status says the delivery time expired as expired, not by the last try's 451", () => {
    const [finding] = oobFindings('fixtures/labels/sendmail-expired.eml');
    expect(finding?.report.status).toBe('4.4.7');
    expect(finding?.reply.code).toBe(451);
    expect(finding?.label).toBe('MessageExpired');
    // The last attempt's reply alone is a transient failure.
    expect(finding && classifier.classify(finding.reply).label).toBe('TransientFailure');
  });

  it('keeps the cause the last reply names when the delivery time expired (a DNS failure)', () => {
    const [finding] = oobFindings('fixtures/labels/ses-expired-dns.eml');
    expect(finding?.report.status).toBe('4.4.7');
    expect(finding?.label).toBe('DNSFailure');
  });

  it('passes the command, action, Status and diagnostic type and text of a finding', () => {
    const [finding] = oobFindings('fixtures/audit/relay-parked-01.eml');
    expect(finding && replyContext(finding)).toEqual({
      command: finding?.reply.command ?? null,
      action: 'failed',
      diagnosticType: 'smtp',
      diagnosticText: expect.stringContaining('is parked at gate 7'),
      status: finding?.report.status ?? null,
    });
    expect(finding?.report.status).not.toBeNull();
  });
});
