import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { Quarantine } from '../../../src/queue/quarantine';
import { makeTempDir } from '../../helpers/tmp';

const envelope = (id: string) => ({
  id,
  mailFrom: '',
  rcptTo: ['b@bounce.example.com'],
  listener: '127.0.0.1:25',
  remoteAddress: '192.0.2.1',
  heloName: 'mx',
  sessionId: 's',
  receivedAt: 0,
});

describe('quarantine folder', () => {
  it('keeps the message and a JSON file with the envelope and the reason', async () => {
    const dir = makeTempDir();
    await new Quarantine(dir, 1024 * 1024).put(
      envelope('a1'),
      Buffer.from('Subject: x\r\n\r\nbody'),
      'unrecognized',
    );
    expect(await fs.readFile(join(dir, 'a1.eml'), 'utf8')).toBe('Subject: x\r\n\r\nbody');
    const meta = JSON.parse(await fs.readFile(join(dir, 'a1.json'), 'utf8')) as {
      reason: string;
      envelope: { id: string };
    };
    expect(meta).toMatchObject({ reason: 'unrecognized', envelope: { id: 'a1' } });
  });

  it('removes the oldest messages when the folder grows past its limit', async () => {
    const dir = makeTempDir();
    const q = new Quarantine(dir, 10_000);
    for (let i = 0; i < 20; i++) {
      await q.put(envelope(`m${String(i).padStart(2, '0')}`), Buffer.alloc(1000, 'x'), 'test');
      await new Promise((r) => setTimeout(r, 5));
    }
    const names = (await fs.readdir(dir)).sort();
    let total = 0;
    for (const name of names) total += (await fs.stat(join(dir, name))).size;
    expect(total).toBeLessThanOrEqual(10_000);
    expect(names).toContain('m19.eml');
    expect(names).not.toContain('m00.eml');
  });
});
