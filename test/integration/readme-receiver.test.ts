// The README's hook receiver, run as written, against the POSTs oobd's hooks make.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { buildServerConfig } from '../../src/config/server';
import { postBatch } from '../../src/hooks/delivery';
import { freePort } from '../helpers/redis';
import { ROOT, makeTempDir } from '../helpers/service';

function readmeReceiver(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf('A receiver that verifies the signature');
  expect(at).toBeGreaterThan(0);
  const start = readme.indexOf('```js\n', at) + '```js\n'.length;
  return readme.slice(start, readme.indexOf('```', start));
}

async function listening(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('receiver never listened');
}

describe("the README's hook receiver", () => {
  it('accepts a batch signed with its secret and refuses one signed with another', async () => {
    const file = join(makeTempDir(), 'receiver.js');
    writeFileSync(file, readmeReceiver());
    const port = await freePort();
    const child = spawn(process.execPath, [file], {
      env: { ...process.env, PORT: String(port), OOBD_HOOK_SECRET: 'correct horse' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    try {
      await listening(port);
      const hook = (secret: string) =>
        buildServerConfig(
          't.toml',
          { hooks: [{ name: 'app', url: `http://127.0.0.1:${port}/`, secret }] },
          {},
        ).hooks[0]!;
      const body = JSON.stringify([
        { type: 'OOB', recipient: 'gone@example.org', bounce_classification: 'InvalidRecipient' },
        {
          type: 'Feedback',
          recipient: 'fbl@bounce.example.com',
          bounce_classification: 'Uncategorized',
          feedback_report: { feedback_type: 'abuse', original_rcpto_to: ['reader@example.net'] },
          feedback_detail: { source: 'rfc5965', recipients: ['reader@example.net'] },
        },
        // A complaint whose address oobd read from the returned message, not Original-Rcpt-To.
        {
          type: 'Feedback',
          recipient: 'fbl@bounce.example.com',
          bounce_classification: 'Uncategorized',
          feedback_report: { feedback_type: 'abuse', original_rcpto_to: [] },
          feedback_detail: { source: 'jmrp', recipients: ['jo@example.org'] },
        },
        {
          type: 'Feedback',
          recipient: 'fbl@bounce.example.com',
          bounce_classification: 'Uncategorized',
          feedback_report: { feedback_type: 'opt-out', original_rcpto_to: [] },
          feedback_detail: { source: 'rfc5965', recipients: [] },
        },
      ]);
      expect(await postBatch(hook('correct horse'), body, 'k1')).toEqual({
        kind: 'delivered',
        status: 204,
      });
      expect(await postBatch(hook('wrong'), body, 'k2')).toMatchObject({
        kind: 'rejected',
        status: 401,
      });
      const old = await postBatch(hook('correct horse'), body, 'k3', {
        unixSeconds: Math.floor(Date.now() / 1000) - 3600,
      });
      expect(old).toMatchObject({ kind: 'rejected', status: 401 });
      expect(stdout).toBe(
        'OOB gone@example.org InvalidRecipient\nFeedback reader@example.net abuse\n' +
          'Feedback jo@example.org abuse\nFeedback (none named) opt-out\n',
      );
    } finally {
      child.kill();
    }
  });
});
