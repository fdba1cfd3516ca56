// docker-compose.yml and the Dockerfile, checked without a Docker daemon: the compose
// file validates (`docker-compose config -q`), and every oobd service's command,
// arguments and environment run here, under the image's entrypoint and working
// directory, against a redis-server started with the compose file's own Redis
// arguments. Container paths are mapped into a temporary folder laid out as the
// container's volumes are; listeners move to free loopback ports. Nothing else is
// changed, so a command, flag or config key that does not exist fails this test.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseToml, stringify } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { loadServerConfig } from '../../src/config/server';
import { readAllRecords } from '../../src/log/reader';
import { freePort } from '../helpers/redis';
import { sendMessage } from '../helpers/smtp-client';
import { ROOT, dsnMessage, makeTempDir } from '../helpers/service';

const run = promisify(execFile);

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  container_name?: string;
  healthcheck?: { test: string[] };
}

const compose = parseYaml(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), {
  merge: true,
}) as {
  services: Record<string, ComposeService>;
};

/** The final stage of the Dockerfile: its instructions, continuation lines joined. */
function finalStage(): string[] {
  const lines = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const from = lines.map((l) => l.startsWith('FROM ')).lastIndexOf(true);
  return lines.slice(from);
}

const stage = finalStage();
const instruction = (name: string) =>
  stage.filter((l) => l.startsWith(`${name} `)).map((l) => l.slice(name.length + 1).trim());
const ENTRYPOINT = JSON.parse(instruction('ENTRYPOINT').at(-1)!) as string[];
const WORKDIR = instruction('WORKDIR').at(-1)!;
const HEALTHCHECK = JSON.parse(
  instruction('HEALTHCHECK')
    .at(-1)!
    .replace(/^.*?CMD\s+/, ''),
) as string[];
const IMAGE_ENV: Record<string, string> = {};
for (const line of instruction('ENV')) {
  for (const m of line.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=(\S+)/g)) IMAGE_ENV[m[1]!] = m[2]!;
}

const oobdServices = Object.entries(compose.services).filter(([, s]) => s.build !== undefined);

/** What the operator's `.env` beside the compose file holds (README, Docker). */
const DOT_ENV: Record<string, string> = { OOBD_HTTP_TOKEN: 'compose-test-token-0123456789abcdef' };

/** `${NAME}`, `${NAME:-default}` and `${NAME:?message}` resolved from DOT_ENV, as compose does. */
const interpolate = (value: string) =>
  value.replace(/\$\{(\w+)(?::?[-?][^}]*)?\}/g, (_, name: string) => {
    const given = DOT_ENV[name];
    if (given === undefined) throw new Error(`the test's .env lacks ${name}`);
    return given;
  });

/** A service's environment as its container gets it, `.env` interpolated. */
const serviceEnv = (service: ComposeService): Record<string, string> =>
  Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([key, value]) => [key, interpolate(value)]),
  );

describe('docker-compose.yml', () => {
  it('is valid for docker-compose (`docker-compose config -q`) once .env holds the token', async () => {
    const env = { ...process.env, ...DOT_ENV };
    const result = await run(
      'docker-compose',
      ['-f', join(ROOT, 'docker-compose.yml'), 'config', '-q'],
      { cwd: ROOT, env },
    ).catch((err: NodeJS.ErrnoException & { stderr?: string }) => {
      if (err.code === 'ENOENT')
        throw new Error(
          'docker-compose not found: install it (apt-get install docker-compose; .ci/run does)',
        );
      throw new Error(`docker-compose config failed: ${err.stderr ?? err.message}`);
    });
    expect(result.stderr).toBe('');
  });

  it('stops docker-compose config with the fix when .env has no OOBD_HTTP_TOKEN', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.OOBD_HTTP_TOKEN;
    const empty = makeTempDir('oobd-compose-env-');
    try {
      const failed = await run(
        'docker-compose',
        ['-f', join(ROOT, 'docker-compose.yml'), '--project-directory', empty, 'config', '-q'],
        { cwd: empty, env },
      ).then(
        () => null,
        (err: { stderr?: string }) => err.stderr ?? '',
      );
      expect(failed).toContain('set OOBD_HTTP_TOKEN in .env');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("loads each oobd service's config as its container does, 0.0.0.0 listeners and all", () => {
    for (const [, service] of oobdServices) {
      const args = service.command!;
      const file = args[args.indexOf('--config') + 1]!.replace(/^\/etc\/oobd\//, '');
      const env = { ...IMAGE_ENV, ...serviceEnv(service) };
      const config = loadServerConfig(join(ROOT, file), env);
      expect(config.http.listen).not.toBe('');
      expect(config.http.token).toBe(DOT_ENV.OOBD_HTTP_TOKEN);
      const { OOBD_HTTP_TOKEN: _token, ...withoutToken } = env;
      expect(() => loadServerConfig(join(ROOT, file), withoutToken)).toThrow(/OOBD_HTTP_TOKEN/);
    }
  });

  it('runs oobd itself under tini, as a non-root user, and scales the worker', () => {
    expect(ENTRYPOINT).toEqual(['/usr/bin/tini', '--', 'oobd']);
    expect(instruction('USER').at(-1)).not.toMatch(/^(root|0)$/);
    expect(oobdServices.map(([name]) => name).sort()).toEqual(['serve', 'worker']);
    const worker = compose.services.worker!;
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports).toBeUndefined();
    for (const [, service] of oobdServices)
      expect(service.healthcheck?.test).toEqual(['CMD', ...HEALTHCHECK]);
    const redis = compose.services.redis!.command!.join(' ');
    expect(redis).toContain('--appendonly yes');
    expect(redis).toContain('--maxmemory-policy noeviction');
  });

  describe('every oobd service, started as compose starts it', () => {
    let root: string;
    let redis: ChildProcess;
    let redisUrl: string;
    const children: ChildProcess[] = [];

    /** A container path, in the temporary folder that stands for the container's file system. */
    const host = (path: string) => join(root, path);

    beforeAll(async () => {
      root = makeTempDir('oobd-compose-');
      // Redis with the compose file's own arguments (so they exist), on a free port.
      const port = await freePort();
      const [program, ...args] = compose.services.redis!.command!;
      mkdirSync(host('/data'));
      redis = spawn(
        program!,
        [
          ...args,
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--dir',
          host('/data'),
          '--save',
          '',
        ],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      await new Promise<void>((resolve, reject) => {
        let out = '';
        redis.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('Ready to accept connections')) resolve();
        });
        redis.once('error', (err: NodeJS.ErrnoException) =>
          reject(err.code === 'ENOENT' ? new Error('redis-server not found: install it') : err),
        );
        redis.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
      });
      redisUrl = `redis://127.0.0.1:${port}`;
    });

    afterAll(async () => {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
      redis.kill('SIGKILL');
      rmSync(root, { recursive: true, force: true });
    });

    /** Lays out a service's volumes: bind mounts copied from the checkout, named volumes empty. */
    function mountVolumes(service: ComposeService): void {
      for (const volume of service.volumes ?? []) {
        const [source, target] = volume.split(':') as [string, string];
        if (source.startsWith('./') || source.startsWith('../')) {
          cpSync(join(ROOT, source), host(target), { recursive: true });
        } else {
          mkdirSync(host(target), { recursive: true });
        }
      }
    }

    /** Service names in a URL (redis://redis:6379) become the throwaway Redis. */
    const mapUrl = (value: string) => value.replace(/^redis:\/\/redis:6379\b/, redisUrl);

    /**
     * The config the command names, rewritten in place with only its listeners (to free
     * loopback ports), absolute paths (into the temporary root) and Redis URL changed.
     */
    async function mapConfig(file: string): Promise<{ http: number }> {
      const data = parseToml(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>;
      const http = await freePort();
      const smtp = data.smtp!;
      expect(smtp.listen).toEqual(['0.0.0.0:25']);
      smtp.listen = ['127.0.0.1:0'];
      expect(data.http!.listen).toBe('0.0.0.0:9025');
      data.http!.listen = `127.0.0.1:${http}`;
      const queue = data.queue!;
      expect(queue.mode).toBe('bullmq');
      queue.redis_url = mapUrl(String(queue.redis_url));
      for (const [section, key] of [
        ['logs', 'dir'],
        ['queue', 'quarantine_dir'],
      ] as const) {
        const value = data[section]![key];
        if (typeof value === 'string' && value.startsWith('/')) data[section]![key] = host(value);
      }
      writeFileSync(file, stringify(data));
      return { http };
    }

    interface Started {
      child: ChildProcess;
      stderr: () => string;
      http: number;
    }

    async function start(name: string, service: ComposeService): Promise<Started> {
      mountVolumes(service);
      // The command after tini is `oobd`: the package's bin, with the service's arguments.
      expect(ENTRYPOINT.at(-1)).toBe('oobd');
      const args = service.command!.map((arg) => (arg.startsWith('/') ? host(arg) : arg));
      const configArg = args[args.indexOf('--config') + 1]!;
      const { http } = await mapConfig(configArg);
      const env: NodeJS.ProcessEnv = { ...process.env };
      delete env.OOBD_CONFIG;
      for (const [key, value] of Object.entries({ ...IMAGE_ENV, ...serviceEnv(service) })) {
        env[key] = value.startsWith('/') ? host(value) : mapUrl(value);
      }
      const cwd = host(WORKDIR);
      mkdirSync(cwd, { recursive: true });
      const child = spawn(process.execPath, [join(ROOT, 'bin/oobd'), ...args], {
        cwd,
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      children.push(child);
      let stderr = '';
      child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      await healthy(name, http, child, () => stderr);
      return { child, stderr: () => stderr, http };
    }

    /** Runs the service's health check command (its `node`, port mapped) until it passes. */
    async function healthy(
      name: string,
      port: number,
      child: ChildProcess,
      stderr: () => string,
    ): Promise<void> {
      const [program, ...args] = compose.services[name]!.healthcheck!.test.slice(1);
      expect(program).toBe('node');
      const mapped = args.map((a) => a.replace('127.0.0.1:9025', `127.0.0.1:${port}`));
      const deadline = Date.now() + 30_000;
      for (;;) {
        if (child.exitCode !== null)
          throw new Error(`${name} exited with ${child.exitCode}:\n${stderr()}`);
        const ok = await run(process.execPath, mapped, { timeout: 5000 }).then(
          () => true,
          () => false,
        );
        if (ok) return;
        if (Date.now() > deadline) throw new Error(`${name} never became healthy:\n${stderr()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }

    it('comes up healthy, takes a DSN on the edge, has a worker log it, and stops on SIGTERM', async () => {
      const started = new Map<string, Started>();
      for (const [name, service] of oobdServices) started.set(name, await start(name, service));
      const serve = started.get('serve')!;
      const line = serve
        .stderr()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { msg?: string; smtp?: string[]; logs?: string })
        .find((l) => l.msg === 'oobd serving')!;
      expect(line.logs).toBe(host('/var/lib/oobd/logs'));
      const port = Number(line.smtp![0]!.split(':').pop());
      const reply = await sendMessage(port, {
        from: '',
        to: ['bounce-1@bounce.example.com'],
        message: dsnMessage(),
      });
      expect(reply.code).toBe(250);
      const id = reply.text.slice('OK id='.length);
      const deadline = Date.now() + 30_000;
      for (;;) {
        const records = await readAllRecords(host('/var/lib/oobd/logs'));
        if (records.some((r) => r.id === id && r.type === 'OOB')) break;
        if (Date.now() > deadline)
          throw new Error(`no OOB record for ${id}; worker:\n${started.get('worker')!.stderr()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      for (const { child } of started.values()) {
        const exited = new Promise<number | null>((resolve) =>
          child.once('exit', (code) => resolve(code)),
        );
        child.kill('SIGTERM');
        expect(await exited).toBe(0);
      }
      expect(
        readdirSync(host('/var/lib/oobd/logs')).some((f) => /^\d{8}-\d{6}\.\d{6}$/.test(f)),
      ).toBe(true);
    });
  });
});
