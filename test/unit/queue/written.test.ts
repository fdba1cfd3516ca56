// Which of a message's records a job that runs again still has to write (written.ts).
import { WrittenRecords } from '../../../src/queue/written';

const line = (id: string, type: string, recipient: string) =>
  `${JSON.stringify({ id, type, recipient })}\n`;

describe('WrittenRecords.unwritten', () => {
  it('hands back the lines and the count it was given for a message it knows nothing about', async () => {
    const lines = line('m1', 'Reception', 'a@x.example') + line('m1', 'OOB', 'a@x.example');
    await expect(new WrittenRecords().unwritten('m1', lines, 2)).resolves.toEqual({
      lines,
      count: 2,
    });
  });

  it('counts no lines in an empty outcome', async () => {
    await expect(new WrittenRecords().unwritten('m1', '', 0)).resolves.toEqual({
      lines: '',
      count: 0,
    });
  });

  it('leaves out the records already written for the message and keeps the others', async () => {
    const written = new WrittenRecords();
    const first = line('m1', 'OOB', 'a@x.example');
    const second = line('m1', 'OOB', 'b@x.example');
    written.written('m1', first);
    await expect(written.unwritten('m1', first + second, 2)).resolves.toEqual({
      lines: second,
      count: 1,
    });
  });

  it('leaves out what two earlier runs wrote, a recipient with non-ASCII text included', async () => {
    const written = new WrittenRecords();
    const first = line('m1', 'Reception', 'zoë@x.example');
    const second = line('m1', 'OOB', 'zoë@x.example');
    const third = line('m1', 'OOB', 'b@x.example');
    written.written('m1', first);
    written.written('m1', second);
    await expect(written.unwritten('m1', first + second + third, 3)).resolves.toEqual({
      lines: third,
      count: 1,
    });
    expect(written.has('m1')).toBe(true);
  });

  it('writes everything again once the message’s job has completed', async () => {
    const written = new WrittenRecords();
    const first = line('m1', 'OOB', 'a@x.example');
    written.written('m1', first);
    written.completed('m1');
    await expect(written.unwritten('m1', first, 1)).resolves.toEqual({ lines: first, count: 1 });
  });
});
