// The hand-written reports of fixtures/reports-unseen (README there): what each must
// give, read through the records `oobd parse` writes (type, complained-about or
// responding address, label, the report's own fields).
import type { LogRecord } from '../../../src/log/record';
import { fixtureRecords, readFixture } from '../../helpers/fixture-records';

function records(name: string): LogRecord[] {
  return fixtureRecords(readFixture(`reports-unseen/${name}`));
}

function only(name: string): LogRecord {
  const r = records(name);
  expect(r).toHaveLength(1);
  return r[0] as LogRecord;
}

describe('feedback reports oobd had not seen', () => {
  it.each([
    ['arf-yahoo-abuse.eml', 'abuse', ['alice@example.net']],
    ['arf-several-rcpt.eml', 'abuse', ['bob@example.org', 'carol@example.org']],
    ['arf-type-fraud.eml', 'fraud', ['erin-fraud@example.org']],
    ['arf-type-virus.eml', 'virus', ['erin-virus@example.org']],
    ['arf-type-other.eml', 'other', ['erin-other@example.org']],
    ['arf-type-not-spam.eml', 'not-spam', ['erin-not-spam@example.org']],
    ['arf-type-opt-out.eml', 'opt-out', ['erin-opt-out@example.org']],
    ['arf-authfailure-dmarc.eml', 'auth-failure', ['frank-dmarc@example.org']],
    ['arf-authfailure-spf.eml', 'auth-failure', ['frank-spf@example.org']],
    ['arf-authfailure-dkim.eml', 'auth-failure', ['frank-dkim@example.org']],
    ['arf-legacy-textplain.eml', 'abuse', ['grace@example.net']],
    ['arf-xxxxx-redacted.eml', 'abuse', ['xxxxx@example.net']],
    ['arf-jmrp.eml', 'abuse', ['heidi@outlook.example.com']],
  ])('%s is one Feedback record of type %s about %j', (name, type, rcpt) => {
    const r = only(name);
    expect(r.type).toBe('Feedback');
    expect(r.feedback_report?.feedback_type).toBe(type);
    expect(r.feedback_report?.original_rcpto_to).toEqual(rcpt);
  });

  it.each(['dmarc', 'spf', 'dkim'])(
    'keeps the Auth-Failure %s of an RFC 6591 report among its extensions',
    (method) => {
      const r = only(`arf-authfailure-${method}.eml`);
      expect(r.feedback_report?.extensions['auth-failure']).toEqual([method]);
      expect(r.feedback_report?.original_mail_from).toBe('news@example.com');
    },
  );

  it.each([
    ['arf-no-rcpt-headers.eml', ['dave@comcast.example.net']],
    ['arf-aol-redacted.eml', ['redacted@aol.example.net']],
  ])(
    '%s names no Original-Rcpt-To, so the complained-about address is the returned To',
    (name, rcpt) => {
      const r = only(name);
      expect(r.type).toBe('Feedback');
      expect(r.feedback_report?.original_rcpto_to).toEqual([]);
      expect(r.feedback_detail?.recipients).toEqual(rcpt);
      expect(r.feedback_detail?.recipient_from).toBe('returned-message');
    },
  );
});

describe('disposition notifications oobd had not seen', () => {
  it.each([
    ['mdn-displayed.eml', 'displayed', 'ivan@example.org'],
    ['mdn-deleted.eml', 'deleted', 'judy@example.org'],
    ['mdn-processed.eml', 'processed', 'ken@example.org'],
    ['mdn-failed.eml', 'failed', 'leo@example.org'],
    ['mdn-german.eml', 'displayed', 'mia@example.de'],
    ['mdn-french.eml', 'displayed', 'noe@example.fr'],
    ['mdn-outlook-read.eml', 'displayed', 'olivia@example.com'],
    ['mdn-outlook-notread.eml', 'deleted', 'pete@example.com'],
  ])('%s is an MDN whose disposition is %s by %s', (name, type, rcpt) => {
    const r = only(name);
    expect(r.mdn_report?.disposition.type).toBe(type);
    expect(r.mdn_report?.final_recipient).toBe(rcpt);
    expect(r.bounce_classification).toBe('Uncategorized');
  });
});

describe('automatic replies oobd had not seen', () => {
  it.each([
    ['ar-autosubmitted.eml', 'quinn@example.org'],
    ['ar-x-autoreply.eml', 'rita@example.org'],
    ['ar-x-autorespond.eml', 'sam@example.org'],
    ['ar-precedence.eml', 'tina@example.org'],
    ['ar-vacation1.eml', 'uma@example.org'],
    ['ar-vacation-subject-bulk.eml', 'uma2@example.org'],
    ['ar-sieve.eml', 'victor@example.org'],
    ['ar-exchange.eml', 'wendy@example.org'],
    ['ar-gmail.eml', 'xavier@example.org'],
    ['ar-german.eml', 'yara@example.de'],
    ['ar-spanish.eml', 'zoe@example.es'],
    ['ar-japanese.eml', 'aki@example.jp'],
    ['ar-french.eml', 'ines@example.fr'],
  ])('%s is an AutoReply from %s', (name, rcpt) => {
    const r = only(name);
    expect(r.type).toBe('OOB');
    expect(r.recipient).toBe(rcpt);
    expect(r.bounce_classification).toBe('AutoReply');
  });

  it.each([
    ['ar-gone.eml', 'bert@example.org'],
    ['ar-gone-left.eml', 'cleo@example.org'],
  ])('%s says the mailbox is gone, so it is InactiveMailbox for %s', (name, rcpt) => {
    const r = only(name);
    expect(r.recipient).toBe(rcpt);
    expect(r.bounce_classification).toBe('InactiveMailbox');
  });

  it.each(['near-person-reply.eml', 'near-newsletter.eml', 'near-newsletter2.eml'])(
    '%s is no auto-reply and gives no record',
    (name) => {
      expect(records(name)).toEqual([]);
    },
  );

  it.each([
    ['near-bounce-autosubmitted.eml', 'gone@example.org'],
    ['near-bounce-autoreplied-plain.eml', 'nobody@example.org'],
    ['near-bounce-exim-noreply.eml', 'nobody@example.org'],
  ])('%s carries Auto-Submitted: auto-replied and stays a bounce for %s', (name, rcpt) => {
    const r = only(name);
    expect(r.recipient).toBe(rcpt);
    expect(r.bounce_classification).toBe('InvalidRecipient');
    expect(r.response.code).toBe(550);
  });
});
