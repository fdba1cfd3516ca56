// The web view's index of the log folder: filters, order, paging, counts, groups, limits.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { RecordIndex, type LiveRecord, type RecordQuery } from '../../../src/log/record-index';
import { makeRecord, type LogRecord, type RecordType } from '../../../src/log/record';
import { segmentName } from '../../../src/log/writer';
import { makeTempDir } from '../../helpers/tmp';

const ALL: RecordQuery = { types: null, classes: null, domain: null, since: null, until: null };

function record(
  type: RecordType,
  recipient: string,
  created: number,
  label: string,
  content = 'user unknown',
): LogRecord {
  return makeRecord(
    {
      id: `${created}`.padStart(32, '0'),
      created: new Date(created * 1000),
      nodeid: 'n',
      session_id: 's',
    },
    {
      type,
      sender: 'bounce@bounce.example.com',
      recipient,
      queue: 'bounce.example.com',
      response: {
        code: 550,
        enhanced_code: { class: 5, subject: 1, detail: 1 },
        content,
        command: null,
      },
      peer_address: null,
      time: new Date(created * 1000),
      bounce_classification: label,
    },
  );
}

/** The record as the Reception of an MDN about `about` (how oobd writes an MDN). */
function mdn(r: LogRecord, about: string): LogRecord {
  r.mdn_report = {
    disposition: { action_mode: null, sending_mode: null, type: 'displayed', modifiers: [] },
    final_recipient: about,
    original_recipient: null,
    original_message_id: null,
    reporting_ua: null,
    supplemental_trace: null,
  };
  return r;
}

async function writeSegment(dir: string, name: string, records: LogRecord[], closed = true) {
  await fs.writeFile(join(dir, name), records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  if (closed) await fs.chmod(join(dir, name), 0o444);
}

async function openIndex(
  dir: string,
  opts: Partial<ConstructorParameters<typeof RecordIndex>[0]> = {},
) {
  const index = new RecordIndex({ dir, maxSegmentDurationMs: 600_000, pollMs: 60_000, ...opts });
  await index.start();
  await index.whenReady();
  return index;
}

const OLD_A = '20240101-000000.000000';
const OLD_B = '20240101-001000.000000';
const T = 1_704_067_200; // 2024-01-01T00:00:00Z

describe('RecordIndex', () => {
  let dir: string;
  beforeEach(async () => {
    dir = makeTempDir();
    await writeSegment(dir, OLD_A, [
      record('Reception', 'bounce@bounce.example.com', T + 1, 'Uncategorized'),
      record('OOB', 'a@gmail.com', T + 1, 'InvalidRecipient'),
      record('OOB', 'b@mx.corp.example', T + 2, 'QuotaIssues', 'mailbox full'),
      record('Rejection', 'c@x.example', T + 3, 'Uncategorized'),
      record('OOB', 'c@gmail.com', T + 4, 'Uncategorized', 'the flux capacitor 12 failed'),
    ]);
    await writeSegment(dir, OLD_B, [
      mdn(
        record('Reception', 'mdn@bounce.example.com', T + 600, 'Uncategorized'),
        'd@corp.example',
      ),
      record('OOB', 'e@GMAIL.com', T + 601, 'InvalidRecipient'),
      record('OOB', 'f@gmail.com', T + 602, 'Uncategorized', 'the flux capacitor 7 failed'),
      {
        ...record('Feedback', 'abuse@bounce.example.com', T + 603, 'Uncategorized'),
        feedback_report: { original_rcpto_to: ['g@yahoo.example'] },
      } as unknown as LogRecord,
    ]);
  });

  it('indexes OOB, Feedback and MDN records only, and lists them newest first', async () => {
    const index = await openIndex(dir);
    try {
      expect(index.coverage()).toEqual({ ready: true, records: 7, truncatedBefore: null });
      const page = index.records(ALL, 10);
      expect(page.entries.map((e) => [e.type, e.domain, e.classification])).toEqual([
        // Complaints and MDNs by their type, not KumoMTA's "Uncategorized" of their records.
        ['Feedback', 'yahoo.example', 'Feedback'],
        ['OOB', 'gmail.com', 'Uncategorized'],
        ['OOB', 'gmail.com', 'InvalidRecipient'],
        ['MDN', 'corp.example', 'MDN: displayed'],
        ['OOB', 'gmail.com', 'Uncategorized'],
        ['OOB', 'mx.corp.example', 'QuotaIssues'],
        ['OOB', 'gmail.com', 'InvalidRecipient'],
      ]);
      expect(page.next).toBeNull();
      const lines = await index.readLines(page.entries.slice(0, 1));
      expect(JSON.parse(lines[0]!)).toMatchObject({ type: 'Feedback', created: T + 603 });
    } finally {
      await index.close();
    }
  });

  it('shows the Reception carrying an mdn_report as MDN (and a record of type "MDN" of oobd 0.1), never another Reception', async () => {
    const other = makeTempDir();
    await writeSegment(other, OLD_A, [
      record('Reception', 'mdn@bounce.example.com', T + 1, 'Uncategorized'),
      mdn(record('Reception', 'mdn@bounce.example.com', T + 2, 'Uncategorized'), 'x@corp.example'),
      { ...record('OOB', 'y@old.example', T + 3, 'MDN'), type: 'MDN' } as unknown as LogRecord,
    ]);
    const index = await openIndex(other);
    try {
      const page = index.records(ALL, 10);
      expect(page.entries.map((e) => [e.type, e.domain, e.created - T])).toEqual([
        ['MDN', 'old.example', 3],
        ['MDN', 'corp.example', 2],
      ]);
    } finally {
      await index.close();
    }
  });

  it('pages with a cursor: each record once, in order', async () => {
    const index = await openIndex(dir);
    try {
      const seen: number[] = [];
      let cursor = null;
      for (let i = 0; i < 10; i++) {
        const page = index.records(ALL, 2, cursor);
        seen.push(...page.entries.map((e) => e.created));
        if (!page.next) break;
        cursor = page.next;
      }
      expect(seen).toEqual([T + 603, T + 602, T + 601, T + 600, T + 4, T + 2, T + 1]);
    } finally {
      await index.close();
    }
  });

  it('filters by type, classification (any case), recipient domain with its subdomains, and reception time', async () => {
    const index = await openIndex(dir);
    try {
      const created = (q: Partial<RecordQuery>) =>
        index.records({ ...ALL, ...q }, 100).entries.map((e) => e.created - T);
      expect(created({ types: new Set(['MDN', 'Feedback'] as const) })).toEqual([603, 600]);
      expect(created({ classes: new Set(['invalidrecipient']) })).toEqual([601, 1]);
      expect(created({ domain: 'corp.example' })).toEqual([600, 2]);
      expect(created({ domain: 'gmail.com', classes: new Set(['uncategorized']) })).toEqual([
        602, 4,
      ]);
      expect(created({ since: T + 4, until: T + 602 })).toEqual([602, 601, 600, 4]);
    } finally {
      await index.close();
    }
  });

  it('counts by type, classification and domain over a range', async () => {
    const index = await openIndex(dir);
    try {
      expect(index.summary({ ...ALL, types: new Set(['OOB'] as const) }, 1)).toEqual({
        total: 5,
        byType: [['OOB', 5]],
        byClass: [
          ['InvalidRecipient', 2],
          ['Uncategorized', 2],
          ['QuotaIssues', 1],
        ],
        byDomain: [['gmail.com', 4]],
        otherDomains: 1,
        domains: 2,
      });
      expect(index.summary({ ...ALL, since: T + 600 }).total).toBe(4);
    } finally {
      await index.close();
    }
  });

  it('groups uncategorized OOB replies with the grouping it is given', async () => {
    const index = await openIndex(dir, {
      groupReply: (line) => ({ key: line.replace(/\d+ failed/, '<n> failed'), pattern: 'P' }),
    });
    try {
      expect(index.uncategorized(ALL, 10)).toEqual({
        total: 2,
        groups: [
          {
            count: 2,
            key: '550 5.1.1 the flux capacitor <n> failed',
            pattern: 'P',
            example: expect.stringMatching(/^550 5\.1\.1 the flux capacitor \d+ failed$/),
          },
        ],
      });
    } finally {
      await index.close();
    }
  });

  it('keeps about maxRecords, dropping the oldest segments, and says from when it holds records', async () => {
    const index = await openIndex(dir, { maxRecords: 3 });
    try {
      expect(index.coverage()).toEqual({ ready: true, records: 4, truncatedBefore: T + 600 });
    } finally {
      await index.close();
    }
  });

  it('forgets the domains and reply groups of records that left, and still answers right', async () => {
    const index = await openIndex(dir, {
      compactAbove: 0,
      groupReply: (line) => ({ key: line.replace(/\d+ failed/, '<n> failed'), pattern: 'P' }),
    });
    const sizes = () => {
      const inside = index as unknown as {
        domains: { values: string[] };
        groupKeys: { values: string[] };
      };
      return [inside.domains.values.length, inside.groupKeys.values.length];
    };
    try {
      expect(sizes()).toEqual([4, 1]);
      await fs.rm(join(dir, OLD_B));
      await index.settle();
      expect(sizes()).toEqual([2, 1]);
      expect(index.summary(ALL).byDomain).toEqual([
        ['gmail.com', 2],
        ['mx.corp.example', 1],
      ]);
      expect(
        index.records({ ...ALL, domain: 'corp.example' }, 10).entries.map((e) => e.domain),
      ).toEqual(['mx.corp.example']);
      expect(index.uncategorized(ALL, 10).groups).toEqual([
        {
          count: 1,
          key: '550 5.1.1 the flux capacitor <n> failed',
          pattern: 'P',
          example: expect.stringMatching(/^550 5\.1\.1 the flux capacitor \d+ failed$/),
        },
      ]);
    } finally {
      await index.close();
    }
  });

  it('passes records written after the start to listeners with their position, and forgets a removed segment', async () => {
    const index = await openIndex(dir);
    const live: LiveRecord[] = [];
    index.subscribe((r) => live.push(r));
    try {
      const name = segmentName(Date.now() * 1000);
      await writeSegment(
        dir,
        name,
        [
          record('Reception', 'x@bounce.example.com', T + 700, 'Uncategorized'),
          record('OOB', 'h@new.example', T + 700, 'BadDomain'),
        ],
        false,
      );
      await index.settle();
      expect(live.map((r) => [r.entry.domain, r.entry.classification])).toEqual([
        ['new.example', 'BadDomain'],
      ]);
      expect(JSON.parse(live[0]!.line)).toMatchObject({ recipient: 'h@new.example' });
      expect(live[0]!.position).toMatch(new RegExp(`~${name.replace('.', '\\.')}:\\d+$`));
      expect(index.coverage().records).toBe(8);
      await fs.rm(join(dir, OLD_A));
      await index.settle();
      expect(index.coverage().records).toBe(5);
    } finally {
      await index.close();
    }
  });
});
