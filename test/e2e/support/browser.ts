import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, type TestContext } from 'vitest';
import { startHarness, type Harness, type HarnessOptions } from '../../harness/server';

/** Where e2e screenshots go (failures and the views' artifacts). */
export const ARTIFACTS = resolve(__dirname, '../../../test-results');

/** The Chromium to drive: CHROMIUM_PATH or Debian's. */
export function chromiumPath(): string {
  const path = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
  if (!existsSync(path)) throw new Error(`No Chromium at ${path}: install it (apt-get install -y chromium) or set CHROMIUM_PATH.`);
  return path;
}

/** Launches headless Chromium (Playwright gives it a fresh profile) with flags that keep it off the network. */
export async function launchChromium(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  return {
    browser,
    close: () => browser.close(),
  };
}

/** One harness and one browser page per test file; a failing test leaves a screenshot. */
export interface E2E {
  harness: Harness;
  context: BrowserContext;
  page: Page;
  /** Opens a fresh page on the app (the old one is closed). */
  reload(): Promise<Page>;
  /** Saves a screenshot under test-results/. */
  screenshot(name: string): Promise<string>;
}

/** Sets up the harness and Chromium around the tests of one file. */
export function useApp(options: HarnessOptions = {}): E2E {
  const state = {} as E2E & { closeBrowser: () => Promise<void> };
  beforeAll(async () => {
    state.harness = await startHarness(options);
    const { browser, close } = await launchChromium();
    state.closeBrowser = close;
    state.context = await browser.newContext({ viewport: { width: 1280, height: 820 }, timezoneId: 'UTC', locale: 'en-US' });
    state.page = await state.context.newPage();
    // Page errors and console errors show in the test output: a blank page otherwise says nothing.
    state.page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
    state.page.on('console', (message) => {
      if (message.type() === 'error') console.error(`[page console] ${message.text()}`);
    });
    // Events reach the page only once its WebSocket is open: a test that makes the engine emit
    // right after a (re)load must not race the connection.
    const connected = async (before: number) => {
      const until = Date.now() + 30_000;
      while (state.harness.connections() <= before) {
        if (Date.now() > until) throw new Error('The page never connected to the harness');
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    let before = state.harness.connections();
    await state.page.goto(state.harness.url);
    await connected(before);
    state.reload = async () => {
      before = state.harness.connections();
      await state.page.reload();
      await connected(before);
      return state.page;
    };
    state.screenshot = async (name) => {
      mkdirSync(ARTIFACTS, { recursive: true });
      const file = join(ARTIFACTS, `${name}.png`);
      await state.page.screenshot({ path: file, fullPage: false });
      return file;
    };
  });
  afterEach(async (ctx: TestContext) => {
    if (ctx.task.result?.state === 'fail' && state.page) {
      await state.screenshot(`FAILED-${ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 80)}`).catch(() => {});
    }
  });
  afterAll(async () => {
    await state.closeBrowser?.();
    await state.harness?.close();
  });
  return state;
}
