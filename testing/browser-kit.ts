/**
 * What every browser test (tests/*.browser.test.ts) sets up the same way: Debian's chromium driven
 * by playwright-core, the real runtime (embedded broker) on ephemeral ports behind a real HTTP
 * server, login through the form, a list of problems seen in the browser (CSP violations, script
 * errors, injected dialogs), the sideways-scroll check for phones, screenshots in test-artifacts/
 * (gitignored) for a human to look at. Without /usr/bin/chromium every case is registered as
 * skipped (`browserTests`), so a machine without a browser reports skips, never passes.
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { test as uvuTest } from 'uvu';
import { ADMIN_PASSWORD, embeddedTarget, startHarness, tempDir, type Harness, type TempDir } from './helpers.ts';

export const CHROMIUM = '/usr/bin/chromium';
/** Flags the CI container needs (no user namespaces, no GPU, no background traffic). */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking'];
/**
 * uvu's `test` for a browser suite: unchanged when chromium exists; otherwise every case is
 * registered with `test.skip` (hooks and `run` stay), so the summary counts them as skipped.
 */
export function browserTests(t: typeof uvuTest): typeof uvuTest {
  if (existsSync(CHROMIUM)) return t;
  const skipped = ((name: string, fn: Parameters<typeof t.skip>[1]) => t.skip(name, fn)) as typeof uvuTest;
  return Object.assign(skipped, { before: t.before, after: t.after, only: t.only, skip: t.skip, run: t.run });
}

export const ARTIFACTS = new URL('../test-artifacts/', import.meta.url);
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 360, height: 740 };
/** Console text that means a problem: a CSP refusal, an Alpine expression error, a missing global. */
const PROBLEM = /Content Security Policy|Refused to|Alpine|Expression Error|is not defined/i;

export interface KitOptions {
  /** Names the test in the skip notice. */
  name: string;
  /** Prefix of the temporary data directory. */
  prefix: string;
  /** Environment for the runtime (testing/helpers.ts startHarness). */
  env?: Record<string, string>;
  /** The browser's locale: decides the dashboard language. */
  locale: 'de-AT' | 'en-GB';
}

/** How far the document is wider than the window, in px (≤ 0: no sideways scroll). */
export const sidewaysScroll = (page: Page): Promise<number> => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

/** A full-page screenshot as test-artifacts/{name}.png. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: new URL(`${name}.png`, ARTIFACTS).pathname, fullPage: true });
}

export class BrowserKit {
  /** Everything the pages reported that a test should fail on; tests assert it stays empty. */
  readonly problems: string[] = [];
  #tmp: TempDir | null = null;
  #h: Harness | null = null;
  #server: ServerType | null = null;
  #browser: Browser | null = null;
  #base = '';

  readonly opts: KitOptions;

  constructor(opts: KitOptions) {
    this.opts = opts;
  }

  /** Starts runtime, server and browser; false (after a notice) when chromium is missing. */
  async start(): Promise<boolean> {
    if (!existsSync(CHROMIUM)) {
      console.log(`NOTICE: ${CHROMIUM} missing: ${this.opts.name} skipped`);
      return false;
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    this.#tmp = tempDir(this.opts.prefix);
    this.#h = await startHarness(this.#tmp.dir, embeddedTarget(), this.opts.env);
    const server = serve({ fetch: this.#h.rt.app.fetch, port: 0, hostname: '127.0.0.1' });
    this.#server = server;
    await new Promise<void>((r) => server.once('listening', () => r()));
    this.#base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.#browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    return true;
  }

  get available(): boolean {
    return this.#browser !== null;
  }
  /** The runtime under test. */
  get h(): Harness {
    if (!this.#h) throw new Error('browser kit not started');
    return this.#h;
  }
  /** `http://127.0.0.1:{port}` of the dashboard. */
  get base(): string {
    return this.#base;
  }
  get browser(): Browser {
    if (!this.#browser) throw new Error('browser kit not started');
    return this.#browser;
  }

  /** Records the page's problems into `problems`; a dialog (an injected alert()) is one, and dismissed. */
  watch(page: Page): Page {
    page.on('console', (m) => {
      if (PROBLEM.test(m.text())) this.problems.push(`${page.url()}: ${m.text().slice(0, 160)} @ ${m.location().url}:${m.location().lineNumber}`);
    });
    page.on('pageerror', (e) => this.problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => {
      this.problems.push(`dialog opened: ${d.message()}`);
      void d.dismiss();
    });
    return page;
  }

  /** A watched page in its own context, in the kit's locale. */
  async newPage(viewport = DESKTOP): Promise<Page> {
    return this.watch(await this.browser.newPage({ viewport, locale: this.opts.locale }));
  }

  /** Logs in as the superadmin through the login form and lands on `next`. */
  async login(page: Page, next = '/'): Promise<void> {
    await page.goto(`${this.base}/login?next=${encodeURIComponent(next)}`);
    await page.fill('#username', 'superadmin');
    await page.fill('#password', ADMIN_PASSWORD);
    await Promise.all([page.waitForURL(`${this.base}${next}`), page.click('button[type=submit]')]);
  }

  /** Closes browser, server (ending its open SSE streams first, or close() waits for them forever), runtime; removes the data. */
  async close(): Promise<void> {
    await this.#browser?.close();
    const server = this.#server;
    if (server) {
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      await new Promise((r) => server.close(r));
    }
    await this.#h?.close();
    this.#tmp?.remove();
  }
}
