// The web view in a real browser: Debian's chromium driven by playwright-core (which
// downloads nothing), against a real `oobd serve` fed over SMTP. CI installs chromium
// (.ci/run); without it this test fails, unless OOBD_SKIP_BROWSER=1 says to skip it.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startServe, type ServeProcess } from '../helpers/process';
import { dsnMessage, makeTempDir, ROOT, writeTestConfig } from '../helpers/service';
import { sendMessage } from '../helpers/smtp-client';

const CHROMIUM = '/usr/bin/chromium';
/** Where the screenshot is kept (gitignored); CI can keep it as an artefact. */
const ARTIFACTS = join(ROOT, 'test-artifacts');
const skip = !existsSync(CHROMIUM) && process.env.OOBD_SKIP_BROWSER === '1';

if (skip) {
  process.stderr.write(
    `web-browser.test.ts skipped: ${CHROMIUM} is absent and OOBD_SKIP_BROWSER=1\n`,
  );
}

(skip ? describe.skip : describe)('web view in chromium', () => {
  let dir: string;
  let serve: ServeProcess;
  let base: string;
  let context: BrowserContext;
  let page: Page;
  const dialogs: string[] = [];
  /** What the browser's console says is wrong: console errors, uncaught exceptions. */
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error('chromium not found: install it (apt-get install chromium)');
    dir = makeTempDir();
    const config = writeTestConfig(dir, { config: { http: { listen: '127.0.0.1:0' } } });
    serve = await startServe(['--config', config.file]);
    const serving = serve.logs.find((l) => l.msg === 'oobd serving')!;
    base = `http://${String(serving.http)}`;
    // Chromium's own background connections (updates, sync, QUIC probes) are off: the
    // machine's network refuses them, and a test has no use for them.
    context = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      acceptDownloads: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    // A loaded machine (CI shares its cores) can be slow; every wait is for a condition.
    page.setDefaultTimeout(60_000);
    page.on('console', (message) => {
      if (message.type() === 'error')
        consoleErrors.push(`${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (err) => consoleErrors.push(`uncaught: ${err.message}`));
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    if (serve && serve.child.exitCode === null) {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function send(recipient: string, diagnostic: string, status: string): Promise<void> {
    const reply = await sendMessage(serve.port, {
      from: '',
      to: ['bounce-1@bounce.example.com'],
      message: dsnMessage({ recipient, diagnostic, status }),
    });
    expect(reply.code).toBe(250);
  }

  it('loads the page with nothing in the browser console, the icon included', async () => {
    await page.goto(`${base}/`);
    await page.waitForSelector('body[data-stream="open"]');
    // The page names its icon, so a browser asks for it and not for a /favicon.ico that
    // would be a 404 in its console (headless chromium asks for neither by itself).
    const href = await page
      .locator('link[rel="icon"]')
      .evaluateAll((links) => links.map((link) => link.getAttribute('href')));
    expect(href).toEqual(['/assets/favicon.svg']);
    const icon = await page.evaluate(async (url) => {
      const response = await fetch(url);
      return { status: response.status, type: response.headers.get('content-type') };
    }, href[0]!);
    expect(icon).toEqual({ status: 200, type: 'image/svg+xml' });
    await page.waitForLoadState('load');
    expect(consoleErrors).toEqual([]);
  }, 120_000);

  it('shows new records live, filters by classification, downloads the suppression list, and runs no script from a reply', async () => {
    await page.goto(`${base}/`);
    await page.waitForSelector('body[data-stream="open"]');
    // Marks this document: a reload would lose it.
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 1));

    await send('gone@browser.example', '550 5.1.1 <gone@browser.example>: no such user', '5.1.1');
    await send('xss@browser.example', '550 5.0.0 <script>alert(1)</script>', '5.0.0');
    const gone = page.locator('#records tbody tr', { hasText: 'gone@browser.example' });
    const xss = page.locator('#records tbody tr', { hasText: 'xss@browser.example' });
    await gone.waitFor();
    await xss.waitFor();
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(
      1,
    );
    expect(await gone.locator('.label').textContent()).toBe('InvalidRecipient');
    // Inserted with textContent: the reply is text, and no element came of it.
    expect(await xss.locator('td.reply').textContent()).toBe('<script>alert(1)</script>');
    expect(await xss.locator('td.reply script').count()).toBe(0);
    // The counts follow the new records.
    await page
      .locator('#chart-class svg desc', { hasText: 'InvalidRecipient: 1' })
      .waitFor({ state: 'attached' });
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'web-view.png'), fullPage: true });

    // Filtering by classification: the choice applies at once and lands in the URL.
    await page.selectOption('#filters select[name="class"]', 'InvalidRecipient');
    await page.waitForURL(/[?&]class=InvalidRecipient/);
    await gone.waitFor();
    const labels = await page.locator('#records tbody tr .label').allTextContents();
    expect(labels.length).toBeGreaterThan(0);
    expect(new Set(labels)).toEqual(new Set(['InvalidRecipient']));
    expect(await xss.count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'web-view-filtered.png'), fullPage: true });

    // The suppression list, downloaded as a file.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('#download-csv'),
    ]);
    expect(download.suggestedFilename()).toMatch(/^oobd-suppressions-\d{4}-\d\d-\d\d\.csv$/);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv.split('\r\n')[0]).toBe('address,kind,reason,count,first_seen,last_seen,last_reply');
    expect(csv).toMatch(/\r\ngone@browser\.example,hard,InvalidRecipient,1,/);

    // Rendered by the server this time: still text.
    await page.goto(`${base}/?domain=browser.example`);
    await xss.waitFor();
    expect(await xss.locator('td.reply').textContent()).toBe('<script>alert(1)</script>');

    // The Uncategorized tab lists the reply's group, as text too.
    await page.click('nav.tabs a:has-text("Uncategorized")');
    const group = page.locator('#uncategorized tbody tr', { hasText: 'alert(1)' });
    await group.waitFor();
    expect(await group.locator('.example').textContent()).toContain('<script>alert(1)</script>');
    // The group and its rule line are those of `oobd rules audit` (classify/normalise.ts).
    expect(await group.locator('.key').textContent()).toBe('550 5.0.0 <script>alert(<n>)</script>');
    expect(await group.locator('code.rule').textContent()).toBe(
      "'(?i)<script>alert\\(\\d+\\)</script>',",
    );
    await page.screenshot({ path: join(ARTIFACTS, 'web-view-uncategorized.png'), fullPage: true });
    expect(dialogs).toEqual([]);
    expect(consoleErrors).toEqual([]);
  }, 180_000);

  it('shows a bar for records with no recipient domain as "(none)", and links neither it nor "other domains" to a filter', async () => {
    // A recipient with no domain (as some old MTAs report a local user), and more than
    // the 20 domains the chart shows by name.
    await send('localonly', '550 5.1.1 no such user', '5.1.1');
    for (let i = 0; i < 21; i++)
      await send(`u${i}@d${i}.other.example`, '550 5.1.1 no such user', '5.1.1');
    await page.goto(`${base}/`);
    const desc = page.locator('#chart-domain svg desc');
    await page
      .locator('#chart-domain svg desc', { hasText: 'other domains (' })
      .waitFor({ state: 'attached' });
    expect(await desc.textContent()).toMatch(/(?:^|, )\(none\): 1(?:,|$)/);
    const labels = await page.locator('#chart-domain svg .bar-label').allTextContents();
    expect(labels).toContain('(none)');
    expect(labels).not.toContain('');
    // Every bar that is a link filters on a real domain.
    const hrefs = await page
      .locator('#chart-domain svg a')
      .evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) {
      const domain = new URLSearchParams(href.slice(href.indexOf('?'))).get('domain');
      expect({ href, domain }).toEqual({ href, domain: expect.stringMatching(/^[a-z0-9.-]+$/) });
    }
    // The bars without a link are exactly "(none)" and "other domains (N)".
    const unlinked = await page.locator('#chart-domain svg > g .bar-label').allTextContents();
    expect(unlinked.map((l) => l.replace(/\(\d+\)$/, '(N)')).sort()).toEqual([
      '(none)',
      'other domains (N)',
    ]);
    expect(dialogs).toEqual([]);
  }, 180_000);
});
