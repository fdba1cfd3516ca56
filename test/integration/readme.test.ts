// The README's "Try it" commands, run as written against a real server: they must
// work and draw no warning from the tools they use.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startTestService, type TestService } from '../helpers/service';

/** The swaks commands of the README, continuation lines joined. */
function swaksCommands(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /## Try it[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  return block
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .filter((line) => line.startsWith('swaks '));
}

describe('the README', () => {
  let t: TestService;
  beforeAll(async () => {
    if (spawnSync('swaks', ['--version']).error) {
      throw new Error('swaks not found: install it (apt-get install swaks)');
    }
    t = await startTestService();
  });
  afterAll(() => t?.stop());

  /** Runs a shell command without blocking this process, where the server runs. */
  function run(command: string): Promise<string> {
    return new Promise((resolve) => {
      const child = spawn('sh', ['-c', command], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
      child.on('close', () => resolve(output));
    });
  }

  it("runs the swaks examples of 'Try it' with the replies it promises and no deprecation warning", async () => {
    const commands = swaksCommands();
    expect(commands).toHaveLength(3);
    const replies: string[][] = [];
    for (const command of commands) {
      const output = await run(command.replace('127.0.0.1:2525', `127.0.0.1:${t.port}`));
      expect(output).not.toMatch(/DEPRECATION/i);
      // The codes of the server's replies, in order ("<-  250 ...", "<** 550 ...").
      replies.push(
        output
          .split('\n')
          .filter((line) => /^<[-~*]*\s+\d{3}[ -]/.test(line))
          .map((line) => line.replace(/^<[-~*]*\s+/, '').slice(0, 3)),
      );
    }
    // DSN: accepted at end of DATA; unlisted domain: refused at RCPT; plain mail: refused after DATA.
    expect(replies[0]?.at(-2)).toBe('250');
    expect(replies[1]?.at(-2)).toBe('550');
    expect(replies[2]?.at(-2)).toBe('550');
  });
});
