// Render time of the calendar's month view with 2,000 posts, and of the composer opening,
// measured in Chromium with the Performance API (the app records `calendar:month` and
// `composer:open` measures, from the render or the request to the frame after it is painted).
// Needs the built renderer (`npx electron-vite build`) and Chromium (/usr/bin/chromium or CHROMIUM_PATH).
import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { chromium } from 'playwright-core';
import { startHarness } from '../test/harness/server';
import { report } from './stats';

const POSTS = 2_000;
const RUNS = 15;

type Entry = { name: string; startTime: number; duration: number; detail: { posts?: number } | null };

export async function run() {
  const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    console.log(`render: skipped (no Chromium at ${executablePath})`);
    return;
  }
  if (!existsSync(join(process.cwd(), 'out/renderer/index.html'))) {
    console.log('render: skipped (no built renderer: run `npx electron-vite build` first)');
    return;
  }
  const harness = await startHarness();
  const browser = await chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    // Two accounts so every chip carries platform marks, as a creator's calendar would.
    const db = new Database(join(harness.dataDir, 'outbox.db'));
    const now = Date.now();
    for (const [platform, handle] of [['x', '@ada'], ['bluesky', '@ada.bsky.social']] as const) {
      db.prepare(`INSERT INTO accounts (id, platform, platform_user_id, handle, display_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`).run(randomUUID(), platform, handle, handle, 'Ada', now, now);
    }
    db.close();

    // 2,000 posts spread over next month (UTC; the page runs in UTC too).
    const first = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 1, 1));
    const days = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
    const seedStart = performance.now();
    for (let i = 0; i < POSTS; i++) {
      const at = new Date(+first + (i % days) * 86_400_000 + (8 * 60 + ((i * 7) % 600)) * 60_000).toISOString();
      const result = await harness.core.invoke('posts:create', { parts: [{ text: `Post number ${i}: notes from the studio, a sketch and a link https://example.com/${i}` }], schedule: { mode: 'at', at } });
      if (!result.ok) throw new Error(`seeding failed: ${result.error.message}`);
    }
    console.log(`seeded ${POSTS} posts in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

    const context = await browser.newContext({ viewport: { width: 1280, height: 820 }, timezoneId: 'UTC', locale: 'en-US' });
    const page = await context.newPage();
    // The bytes crossing the bridge (the harness's WebSocket stands in for Electron's IPC): what
    // the engine answers while a month loads.
    let received = 0;
    page.on('websocket', (ws) => ws.on('framereceived', (frame) => (received += typeof frame.payload === 'string' ? Buffer.byteLength(frame.payload) : frame.payload.length)));
    await page.goto(harness.url);
    await page.getByRole('button', { name: 'Next month' }).waitFor();

    // Page callbacks: the node tsconfig has no DOM types, so they name what they touch.
    const measures = (name: string) =>
      page.evaluate((n) => performance.getEntriesByName(n).map((e) => ({ name: e.name, startTime: e.startTime, duration: e.duration, detail: (e as unknown as { detail: Entry['detail'] }).detail })), name) as Promise<Entry[]>;
    const clear = () => page.evaluate(() => performance.clearMeasures());

    const renderOnly: number[] = [];
    const clickToPainted: number[] = [];
    const bytes: number[] = [];
    for (let i = 0; i < RUNS + 2; i++) {
      await clear();
      const receivedBefore = received;
      const clickedAt = await page.evaluate(() => {
        const t = performance.now();
        const doc = (globalThis as unknown as { document: { querySelector(s: string): { click(): void } | null } }).document;
        doc.querySelector('button[aria-label="Next month"]')!.click();
        return t;
      });
      let full: Entry | undefined;
      for (let tries = 0; tries < 400 && !full; tries++) {
        full = (await measures('calendar:month')).find((e) => e.detail?.posts === POSTS);
        if (!full) await page.waitForTimeout(25);
      }
      if (!full) throw new Error('the month with 2,000 posts never rendered');
      // The first two runs warm up (JIT, fonts, caches).
      if (i >= 2) {
        renderOnly.push(full.duration);
        clickToPainted.push(full.startTime + full.duration - clickedAt);
        bytes.push(received - receivedBefore);
      }
      await page.getByRole('button', { name: 'Previous month' }).click();
      await page.waitForTimeout(50);
    }
    report(`month view render, ${POSTS} posts (render to painted frame)`, renderOnly);
    report(`month view, ${POSTS} posts: click to painted (one posts:calendar call over the harness socket; goal p95 < 100 ms)`, clickToPainted);
    const sorted = [...bytes].sort((a, b) => a - b);
    console.log(`month view, ${POSTS} posts: ${(sorted[Math.floor(sorted.length / 2)]! / 1024).toFixed(0)} KB crossing the bridge per month shown (median of ${bytes.length})`);

    const opening: number[] = [];
    for (let i = 0; i < RUNS + 2; i++) {
      await clear();
      await page.getByRole('button', { name: 'New post', exact: true }).click();
      let entry: Entry | undefined;
      for (let tries = 0; tries < 200 && !entry; tries++) {
        entry = (await measures('composer:open'))[0];
        if (!entry) await page.waitForTimeout(10);
      }
      if (!entry) throw new Error('the composer never opened');
      if (i >= 2) opening.push(entry.duration);
      await page.keyboard.press('Escape');
      await page.getByRole('dialog', { name: 'New post' }).waitFor({ state: 'detached' });
    }
    report('composer opening (request to painted frame)', opening);
  } finally {
    await browser.close();
    await harness.close();
    rmSync(harness.dataDir, { recursive: true, force: true });
  }
}
