// oobd parse, logs and replay against real files, a real server and real segments.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, runCli, runCliAsync } from '../helpers/process';
import {
  ROOT,
  dsnMessage,
  makeTempDir,
  startTestService,
  type TestService,
} from '../helpers/service';

function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** A path that exists and cannot be read, as root too: a process's memory from address 0. */
const UNREADABLE = '/proc/self/mem';

describe('oobd parse', () => {
  it('prints one OOB record per failed recipient with source_file, and is deterministic', () => {
    const file = join(ROOT, 'fixtures/rfc3464/kumomta-1.eml');
    const first = runCli(['parse', file]);
    expect(first.code).toBe(0);
    const records = jsonLines(first.stdout);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      type: 'OOB',
      recipient: 'louisl@larry.slip.umd.edu',
      response: {
        code: 426,
        enhanced_code: { class: 4, subject: 0, detail: 0 },
        content: 'connection timed out',
      },
      source_file: file,
    });
    expect(jsonLines(runCli(['parse', file]).stdout)[0]!.id).toBe(records[0]!.id);
  });

  it('reads a .eml file with an mbox From line on top as one message, even when it quotes another From line', () => {
    const dir = makeTempDir();
    const bounce = [
      'From MAILER-DAEMON  Sat Oct  4 08:00:09 2025',
      'From: Mail Delivery System <MAILER-DAEMON@mx.example.net>',
      'To: bounce@bounce.example.com',
      'Subject: Undelivered Mail Returned to Sender',
      'Date: Sat, 04 Oct 2025 08:00:07 +0200',
      '',
      'I could not deliver your message to the following address:',
      '<ana@example.org>: host mx.example.org said: 552 5.2.2 mailbox full',
      '',
      'bounced E-Mail:',
      '',
      'From bounce+x=example.com@bounce.example.com  Sat Oct  4 08:00:07 2025',
      'Message-ID: <copy-1@example.com>',
      'From: news@example.com',
      'To: ana@example.org',
      'Subject: Hello',
      '',
      'Hi.',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'one.eml'), bounce);
    writeFileSync(join(dir, 'two'), bounce);
    const one = jsonLines(runCli(['parse', join(dir, 'one.eml')]).stdout);
    expect(one.every((r) => r.source_index === undefined)).toBe(true);
    expect(one.some((r) => r.type === 'Unrecognized')).toBe(false);
    // The same bytes in a file without the .eml extension are an mbox (RFC 4155), cut at
    // the quoted From line, as before.
    const two = jsonLines(runCli(['parse', join(dir, 'two')]).stdout);
    expect(two.map((r) => r.source_index)).toEqual(expect.arrayContaining([1, 2]));
  });

  it('walks folders recursively and splits mbox files', () => {
    const dir = makeTempDir();
    mkdirSync(join(dir, 'nested'));
    copyFileSync(join(ROOT, 'fixtures/rfc5965/kumomta-1.eml'), join(dir, 'nested', 'arf.eml'));
    copyFileSync(join(ROOT, 'fixtures/mbox/sisimai-mbox-1'), join(dir, 'mbox'));
    writeFileSync(join(dir, 'notes.json'), '{}');
    const result = runCli(['parse', dir]);
    expect(result.code).toBe(0);
    const records = jsonLines(result.stdout);
    expect(records.map((r) => r.source_file)).toEqual(
      expect.arrayContaining([join(dir, 'mbox'), join(dir, 'nested', 'arf.eml')]),
    );
    expect(records.some((r) => r.type === 'Feedback')).toBe(true);
    expect(
      records.filter((r) => r.source_file === join(dir, 'mbox')).every((r) => r.source_index === 1),
    ).toBe(true);
    expect(records.some((r) => r.source_file === join(dir, 'notes.json'))).toBe(false);
  });

  it('prints an Unrecognized line for a message that yields no record', () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'hello.eml'), 'From: a@b.example\r\nSubject: hello\r\n\r\nhi\r\n');
    const records = jsonLines(runCli(['parse', join(dir, 'hello.eml')]).stdout);
    expect(records).toEqual([
      expect.objectContaining({
        type: 'Unrecognized',
        source_file: join(dir, 'hello.eml'),
        kind: 'none',
      }),
    ]);
  });

  it('names the recipients of a delay warning on its Unrecognized line, and writes no record for them', () => {
    const records = jsonLines(
      runCli(['parse', join(ROOT, 'fixtures/rfc3464/kumomta-4.eml')]).stdout,
    );
    expect(records).toEqual([
      expect.objectContaining({
        type: 'Unrecognized',
        kind: 'dsn',
        not_bounced: [{ recipient: 'thomas@de-montfort.ac.uk', action: 'delayed' }],
      }),
    ]);
  });

  it('prints what the parsers noted after the records of a message with --problems, and nothing more without it', () => {
    const dir = makeTempDir();
    const file = join(dir, 'nameless-block.eml');
    // A second recipient block that names no recipient: skipped, and said so.
    writeFileSync(
      file,
      [
        'From: MAILER-DAEMON@mx.example.net',
        'To: bounces@bounce.example.com',
        'Subject: failure notice',
        'MIME-Version: 1.0',
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain',
        '',
        'failed.',
        '',
        '--b',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mx.example.net',
        '',
        'Final-Recipient: rfc822; one@example.net',
        'Action: failed',
        'Status: 5.1.1',
        '',
        'Action: failed',
        'Status: 5.2.2',
        '',
        '--b--',
        '',
      ].join('\r\n'),
    );
    const plain = jsonLines(runCli(['parse', file]).stdout);
    expect(plain.map((r) => r.type)).toEqual(['OOB']);
    const noted = jsonLines(runCli(['parse', '--problems', file]).stdout);
    expect(noted.map((r) => r.type)).toEqual(['OOB', 'Problems']);
    expect(noted[1]).toEqual({
      type: 'Problems',
      source_file: file,
      kind: 'dsn',
      problems: [expect.objectContaining({ code: 'dsn.recipient-missing' })],
    });
    // A message the parsers had nothing to say about gets no such line.
    const clean = jsonLines(
      runCli(['parse', '--problems', join(ROOT, 'fixtures/rfc3464/kumomta-1.eml')]).stdout,
    );
    expect(clean.map((r) => r.type)).toEqual(['OOB']);
  });

  it('exits 1 naming a path it cannot read, after printing the others', () => {
    // A file that exists and cannot be read, whoever runs the test (root reads any
    // file of mode 000): a process's own memory from address 0.
    const result = runCli(['parse', UNREADABLE, join(ROOT, 'fixtures/rfc3464/kumomta-1.eml')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`oobd parse: ${UNREADABLE}: EIO: i/o error, read\n`);
    expect(jsonLines(result.stdout)).toHaveLength(1);
  });

  it('exits 2 naming every path that does not exist, and parses nothing', () => {
    const dir = makeTempDir();
    copyFileSync(join(ROOT, 'fixtures/rfc3464/kumomta-1.eml'), join(dir, 'here.eml'));
    const result = runCli(['parse', 'here.eml', 'typo.eml', '/nonexistent/x.eml', '-'], {
      cwd: dir,
      input: '',
    });
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        `oobd parse: no such file or folder: typo.eml (looked for in ${dir})\n` +
        'oobd parse: no such file or folder: /nonexistent/x.eml\n',
    });
  });

  it('names on standard error each file that holds no mail message, printing its Unrecognized line and exiting 0', () => {
    const dir = makeTempDir();
    const files = {
      empty: join(dir, 'empty'),
      json: join(dir, 'records.json'),
      pdf: join(dir, 'report.pdf'),
      binary: join(dir, 'program'),
      mail: join(dir, 'hello.eml'),
    };
    writeFileSync(files.empty, '');
    writeFileSync(files.json, '{"type":"OOB","recipient":"a@b.example"}\n');
    writeFileSync(files.pdf, '%PDF-1.7\n%\xe2\xe3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n');
    writeFileSync(files.binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0x3a, 0]));
    // A message that yields no record is no concern: it is mail.
    writeFileSync(files.mail, 'From: a@b.example\r\nSubject: hello\r\n\r\nhi\r\n');
    const named = Object.values(files);
    const result = runCli(['parse', ...named]);
    expect(result.code).toBe(0);
    expect(jsonLines(result.stdout).map((r) => [r.type, r.source_file])).toEqual(
      named.map((f) => ['Unrecognized', f]),
    );
    const notMail =
      'not a mail message: it starts with neither a header field ("Name: value") nor an mbox "From " line';
    expect(result.stderr.split('\n')).toEqual([
      `oobd parse: ${files.empty}: an empty file`,
      `oobd parse: ${files.json}: ${notMail}`,
      `oobd parse: ${files.pdf}: ${notMail}`,
      `oobd parse: ${files.binary}: ${notMail}`,
      expect.stringMatching(
        /^oobd parse: those files were read and printed as "Unrecognized"; oobd parse reads mail messages: \.eml files .*, mbox files, and folders of them$/,
      ),
      '',
    ]);
    // --problems adds nothing to a line that already carries its problems.
    const withProblems = runCli(['parse', '--problems', files.binary]);
    expect(jsonLines(withProblems.stdout)).toEqual(
      jsonLines(runCli(['parse', files.binary]).stdout),
    );
    expect(withProblems.stderr).toMatch(/^oobd parse: .*program: not a mail message/);
    // From standard input, named as such.
    const stdin = runCli(['parse', '-'], { input: '' });
    expect(stdin.code).toBe(0);
    expect(stdin.stderr).toMatch(/^oobd parse: - \(standard input\): an empty file\n/);
  });

  it('keeps the order of the files across read-ahead batches, with unreadable paths reported', () => {
    // More files than one batch of the reading thread (32), so order and errors
    // must survive several hand-overs.
    const dir = makeTempDir();
    const sources = readdirSync(join(ROOT, 'fixtures/heuristic'), {
      recursive: true,
      encoding: 'utf8',
    })
      .filter((f) => f.endsWith('.eml'))
      .slice(0, 40);
    sources.forEach((f, i) =>
      copyFileSync(
        join(ROOT, 'fixtures/heuristic', f),
        join(dir, `${String(i).padStart(3, '0')}.eml`),
      ),
    );
    const result = runCli(['parse', dir, UNREADABLE]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(UNREADABLE);
    expect(sources.length).toBeGreaterThan(32);
    // Every file prints at least one line, in file order.
    const names = sources.map((_, i) => join(dir, `${String(i).padStart(3, '0')}.eml`));
    const printed = jsonLines(result.stdout).map((r) => r.source_file);
    expect([...new Set(printed)]).toEqual(names);
  });

  it('prints the same lines for a few files named one by one as for their folder', () => {
    // A few named files are read on the main thread, a folder by the reading thread.
    const dir = makeTempDir();
    const sources = ['rfc3464/kumomta-1.eml', 'rfc3464/kumomta-5.eml', 'rfc5965/kumomta-1.eml'];
    const names = sources.map((f, i) => {
      const name = join(dir, `${i}.eml`);
      copyFileSync(join(ROOT, 'fixtures', f), name);
      return name;
    });
    writeFileSync(join(dir, '3.eml'), 'not a message at all\n');
    names.push(join(dir, '3.eml'));
    const named = runCli(['parse', ...names]);
    const folder = runCli(['parse', dir]);
    expect(named.code).toBe(0);
    // The file that holds no message is named, read either way.
    expect(named.stderr).toMatch(/^oobd parse: .*3\.eml: not a mail message/);
    expect(named.stderr).toBe(folder.stderr);
    const shown = (stdout: string) =>
      jsonLines(stdout).map((r) => [r.source_file, r.id, r.type, r.recipient, r.response]);
    expect(shown(named.stdout)).toEqual(shown(folder.stdout));
    expect(new Set(shown(named.stdout).map(([file]) => file))).toEqual(new Set(names));
  });

  it('keeps a file larger than a read-ahead batch in its place', () => {
    // Over 2 MB: such a file travels alone, without a copy, between the small ones.
    const dir = makeTempDir();
    const small = join(ROOT, 'fixtures/rfc3464/kumomta-1.eml');
    copyFileSync(small, join(dir, 'a.eml'));
    const padding = `${'x'.repeat(76)}\r\n`.repeat(40_000);
    writeFileSync(
      join(dir, 'b.eml'),
      `From: someone@example.org\r\nSubject: large\r\n\r\n${padding}`,
    );
    copyFileSync(small, join(dir, 'c.eml'));
    const result = runCli(['parse', dir]);
    expect(result.code).toBe(0);
    const printed = jsonLines(result.stdout).map((r) => r.source_file);
    expect(printed).toEqual([join(dir, 'a.eml'), join(dir, 'b.eml'), join(dir, 'c.eml')]);
  });

  it('reads one message from standard input for the path -, as it reads the same file', () => {
    const file = join(ROOT, 'fixtures/rfc3464/kumomta-5.eml');
    const fromFile = jsonLines(runCli(['parse', file]).stdout);
    const result = runCli(['parse', '-'], { input: readFileSync(file, 'utf8') });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const fromStdin = jsonLines(result.stdout);
    expect(fromStdin.map((r) => r.source_file)).toEqual(['-']);
    // All but the file's name and the times of the run.
    const parsed = (records: Array<Record<string, unknown>>) =>
      records.map((r) => [
        r.id,
        r.type,
        r.recipient,
        r.response,
        r.bounce_classification,
        r.oob_report,
      ]);
    expect(parsed(fromStdin)).toEqual(parsed(fromFile));
    expect(fromStdin[0]).toMatchObject({ type: 'OOB', recipient: 'recipient@domain.com' });
  });

  it('keeps standard input in its place among the paths, and takes - once', () => {
    const dir = makeTempDir();
    // Over 64 files before it, so parse threads take batches around standard input's.
    const sources = readdirSync(join(ROOT, 'fixtures/heuristic'), {
      recursive: true,
      encoding: 'utf8',
    })
      .filter((f) => f.endsWith('.eml'))
      .slice(0, 70);
    sources.forEach((f, i) =>
      copyFileSync(
        join(ROOT, 'fixtures/heuristic', f),
        join(dir, `${String(i).padStart(3, '0')}.eml`),
      ),
    );
    const last = join(ROOT, 'fixtures/rfc3464/kumomta-1.eml');
    const input = readFileSync(join(ROOT, 'fixtures/rfc3464/kumomta-5.eml'), 'utf8');
    const result = runCli(['parse', '--threads', '2', dir, '-', last], { input });
    expect(result.code).toBe(0);
    const printed = [...new Set(jsonLines(result.stdout).map((r) => r.source_file))];
    expect(printed.slice(-2)).toEqual(['-', last]);
    expect(printed).toHaveLength(sources.length + 2);

    const twice = runCli(['parse', '-', '-'], { input });
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('"-" (standard input) may be given once');
    expect(runCli(['parse', '--help']).stdout).toMatch(
      /- reads one\s+message \(or an mbox\) from standard input/,
    );
  });

  it('stops quietly with exit code 0 when the reader of its output goes away', async () => {
    const child = spawn(process.execPath, [CLI, 'parse', join(ROOT, 'fixtures')], { cwd: ROOT });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    // Like `oobd parse … | head -1`: take the first chunk, then close the pipe.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('classifies with the rules files given by --rules', () => {
    const dir = makeTempDir();
    const rules = join(dir, 'r.toml');
    writeFileSync(rules, '[rules]\nTestLabel = ["connection timed out"]\n');
    const records = jsonLines(
      runCli(['parse', '--rules', rules, join(ROOT, 'fixtures/rfc3464/kumomta-1.eml')]).stdout,
    );
    expect(records[0]!.bounce_classification).toBe('TestLabel');
  });

  it('prints nothing and exits 0 for an empty folder', () => {
    const result = runCli(['parse', makeTempDir()]);
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('reads a few files given as folders and names on its own thread, in order, naming an unreadable path', () => {
    // Under one read-ahead batch in all: read without the reading thread, in the order
    // the paths list them, and the unreadable path reported as the thread would.
    const dir = makeTempDir();
    const folder = join(dir, 'few');
    mkdirSync(folder);
    copyFileSync(join(ROOT, 'fixtures/rfc3464/kumomta-5.eml'), join(folder, 'b.eml'));
    copyFileSync(join(ROOT, 'fixtures/rfc5965/kumomta-1.eml'), join(folder, 'a.eml'));
    const named = join(dir, 'named.eml');
    copyFileSync(join(ROOT, 'fixtures/rfc3464/kumomta-1.eml'), named);
    const result = runCli(['parse', named, UNREADABLE, folder]);
    expect(result.code).toBe(1);
    // One line, naming the path and why.
    expect(result.stderr.split('\n')).toEqual([
      `oobd parse: ${UNREADABLE}: EIO: i/o error, read`,
      '',
    ]);
    const printed = jsonLines(result.stdout).map((r) => r.source_file);
    expect([...new Set(printed)]).toEqual([named, join(folder, 'a.eml'), join(folder, 'b.eml')]);
  });

  it('exits 2 naming a --rules file that does not exist, while its reading thread waits to send more', () => {
    // More files than the reading thread reads ahead (4 batches of 32): it waits for
    // the parser, which never asks, and must not keep the process alive.
    const result = runCli(['parse', '--rules', '/nonexistent/rules.toml', join(ROOT, 'fixtures')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('/nonexistent/rules.toml');
    expect(result.stdout).toBe('');
  });

  it('exits 2 naming the rules file when its rules do not compile, with parse threads started', () => {
    // Over 64 files, so parse threads start before the rules compile here: they must
    // not keep the process alive once the command has failed.
    const dir = makeTempDir();
    for (let i = 0; i < 70; i++)
      copyFileSync(join(ROOT, 'fixtures/rfc3464/kumomta-1.eml'), join(dir, `${i}.eml`));
    const rules = join(dir, 'bad.toml');
    writeFileSync(rules, '[rules]\nTestLabel = ["(unclosed"]\n');
    const result = runCli(['parse', '--threads', '1', '--rules', rules, dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('bad.toml');
    expect(result.stdout).toBe('');
  });

  it('prints the same lines in the same order with parse threads as on its main thread alone', () => {
    // Over 64 files, so the threads start; the main thread parses the batches they
    // do not take, and the outputs are written in input order.
    const dir = makeTempDir();
    const fixtures = readdirSync(join(ROOT, 'fixtures'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.eml'))
      .sort();
    for (let copy = 0; copy < 4; copy++) {
      fixtures.forEach((f, i) =>
        copyFileSync(
          join(ROOT, 'fixtures', f),
          join(dir, `${copy}-${String(i).padStart(3, '0')}.eml`),
        ),
      );
    }
    copyFileSync(join(ROOT, 'fixtures/mbox/sisimai-mbox-1'), join(dir, 'z-mbox'));
    // Each run stamps its records with its own start time: that is all that may differ.
    const normalised = (stdout: string) => {
      const first = JSON.parse(stdout.slice(0, stdout.indexOf('\n'))) as {
        created: number;
        created_time: string;
      };
      return stdout.split(first.created_time).join('NOW').split(`:${first.created},`).join(':NOW,');
    };
    const alone = runCli(['parse', '--threads', '0', dir]);
    const threaded = runCli(['parse', '--threads', '2', dir]);
    expect(alone.code).toBe(0);
    expect(threaded.code).toBe(0);
    expect(jsonLines(alone.stdout).length).toBeGreaterThan(4 * fixtures.length);
    expect(normalised(threaded.stdout)).toBe(normalised(alone.stdout));
    expect(runCli(['parse', '--threads', 'two', dir]).stderr).toContain(
      '--threads: expected a whole number',
    );
  }, 120_000);
});

describe('oobd logs and oobd replay', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());

  it('replays a folder to a server and summarises the replies', async () => {
    const dir = makeTempDir();
    copyFileSync(join(ROOT, 'fixtures/rfc3464/kumomta-1.eml'), join(dir, 'a.eml'));
    copyFileSync(join(ROOT, 'fixtures/rfc5965/kumomta-1.eml'), join(dir, 'b.eml'));
    writeFileSync(join(dir, 'c.eml'), dsnMessage({ diagnostic: '552 5.2.2 mailbox full' }));
    const result = await runCliAsync([
      'replay',
      '--server',
      `127.0.0.1:${t.port}`,
      '--to',
      'bounce-r@bounce.example.com',
      dir,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`^127\\.0\\.0\\.1:${t.port}: 3 accepted, 0 refused, 0 not sent, in `, 'm'),
    );
    expect(result.stdout).toMatch(/^ {2}250 +3$/m);
    await t.waitForRecords(
      (all) =>
        all.filter((r) => r.type === 'OOB').length >= 2 && all.some((r) => r.type === 'Feedback'),
    );
  });

  it('sends each message to the address it was delivered to when --to is not given', async () => {
    const dir = makeTempDir();
    writeFileSync(
      join(dir, 'd.eml'),
      `Delivered-To: "VERP" <bounce-d@bounce.example.com>\r\n${dsnMessage()}`,
    );
    writeFileSync(join(dir, 'e.eml'), `To: nobody-here@unlisted.example\r\n${dsnMessage()}`);
    const result = await runCliAsync(['replay', '--server', `127.0.0.1:${t.port}`, dir]);
    expect(result.stdout).toMatch(/^ {2}250 +1$/m);
    expect(result.stdout).toMatch(/^ {2}550 +1$/m);
    await t.waitForRecords((all) =>
      all.some((r) => r.type === 'OOB' && r.sender === 'bounce-d@bounce.example.com'),
    );
  });

  it('counts refusals in the summary and exits 1', async () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'x.eml'), dsnMessage());
    const result = await runCliAsync([
      'replay',
      '--server',
      `127.0.0.1:${t.port}`,
      '--to',
      'x@unlisted.example',
      dir,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^ {2}550 +1$/m);
  });

  it('filters records by type, class and domain, and prints JSON or a summary', async () => {
    const oob = jsonLines(runCli(['logs', t.logsDir, '--type', 'oob', '--json']).stdout);
    expect(oob.length).toBeGreaterThanOrEqual(2);
    expect(oob.every((r) => r.type === 'OOB')).toBe(true);
    const quota = jsonLines(runCli(['logs', t.logsDir, '--class', 'QuotaIssues', '--json']).stdout);
    expect(quota.map((r) => r.recipient)).toEqual(['nobody@remote.example']);
    const byDomain = runCli(['logs', t.logsDir, '--domain', 'larry.slip.umd.edu'])
      .stdout.trim()
      .split('\n');
    expect(byDomain).toHaveLength(1);
    expect(byDomain[0]).toMatch(
      / OOB \w+ bounce-r@bounce\.example\.com -> louisl@larry\.slip\.umd\.edu 426 4\.0\.0 connection timed out \[[0-9a-f]{32}\]$/,
    );
    const summary = runCli(['logs', t.logsDir, '--summary']).stdout;
    expect(summary).toMatch(/^records: \d+/);
    expect(summary).toMatch(/OOB by classification\n(.*\n)* +1 +QuotaIssues/);
    expect(
      runCli(['logs', t.logsDir, '--since', '1h', '--type', 'Feedback', '--json'])
        .stdout.trim()
        .split('\n'),
    ).toHaveLength(1);
    expect(runCli(['logs', t.logsDir, '--since', 'soonish']).code).toBe(2);
  });

  it('says when the log folder does not exist', () => {
    const result = runCli(['logs', '/nonexistent-logs']);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'oobd logs: no such file or folder: /nonexistent-logs\n',
    });
    const suppressions = runCli(['suppressions', '/nonexistent-logs']);
    expect(suppressions.code).toBe(2);
    expect(suppressions.stderr).toBe(
      'oobd suppressions: no such file or folder: /nonexistent-logs\n',
    );
  });

  it('names a missing path of rules audit before reading any, exiting 2', () => {
    const result = runCli([
      'rules',
      'audit',
      join(ROOT, 'fixtures/rfc3464'),
      '/nonexistent/corpus',
    ]);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'oobd rules audit: no such file or folder: /nonexistent/corpus\n',
    });
  });
});
