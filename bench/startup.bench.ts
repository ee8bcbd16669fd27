// Start-up (issue 21): the built app (out/main/index.js, Electron faked: see app/built-app.ts)
// from process start to the engine ready (scheduler armed, tray fed), in CPU and wall time, on
// an empty data folder and on a 100k-post database; what the CPU went to before ready (a
// --cpu-prof run, by package); then the renderer bundle's size and its first paint in Chromium.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { ManualClock } from '../src/main/core/ports/doubles';
import { startHarness } from '../test/harness/server';
import { benchRoot, prepareBuiltApp, startBuiltApp, type AppEvent } from './app/built-app';
import { seeded } from './posts.bench';
import { percentile } from './stats';

const RUNS = 7;

/** Ready: the tray's first tooltip after it read the posts (the second one; the first is drawn before it asks). */
const fed = (e: AppEvent) => e.event === 'tooltip' && (e['n'] as number) >= 2;

async function startOnce(entry: string, dataDir: string, nodeArgs: string[] = []): Promise<{ ready: AppEvent; tray: AppEvent }> {
  const app = startBuiltApp(entry, dataDir, { nodeArgs });
  try {
    const ready = await app.waitFor(fed);
    const tray = app.events.find((e) => e.event === 'tray')!;
    return { ready, tray };
  } finally {
    await app.stop();
  }
}

function line(name: string, runs: Array<{ ready: AppEvent; tray: AppEvent }>) {
  const cpu = runs.map((r) => r.ready.cpuMs);
  const wall = runs.map((r) => r.ready.at);
  const engine = runs.map((r) => r.tray.cpuMs);
  console.log(
    `${name}: CPU to ready median ${percentile(cpu, 50).toFixed(0)} ms (p95 ${percentile(cpu, 95).toFixed(0)}), wall median ${percentile(wall, 50).toFixed(0)} ms (p95 ${percentile(wall, 95).toFixed(0)}); engine started (tray built) at ${percentile(engine, 50).toFixed(0)} ms CPU (goal: under 400 ms CPU; ${runs.length} runs)`,
  );
}

/** Self time of a CPU profile's samples up to `untilUs` (profile clock), by package or file. */
function profileByPackage(file: string, readyWallMs: number): Array<[string, number]> {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: Array<{ id: number; callFrame: { url: string; functionName: string } }>;
    samples: number[];
    timeDeltas: number[];
    startTime: number;
  };
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  let t = 0;
  // The profile starts a little after the process; its clock is close enough to cut at ready.
  for (let i = 0; i < prof.samples.length; i++) {
    t += prof.timeDeltas[i] ?? 0;
    if (t / 1000 > readyWallMs) break;
    const node = byId.get(prof.samples[i]!)!;
    const url = node.callFrame.url;
    if (node.callFrame.functionName === '(idle)') continue;
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
    const key = pkg ?? (url.includes('out/bench/main') ? 'outbox (the app bundle)' : url.startsWith('node:') ? 'node internals (module loading...)' : url ? 'other' : node.callFrame.functionName || '(native)');
    totals.set(key, (totals.get(key) ?? 0) + (prof.timeDeltas[i] ?? 0) / 1000);
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}

async function mainProcess() {
  const entry = prepareBuiltApp();
  if (!entry) {
    console.log('startup: skipped (no built app: run `npx electron-vite build` first)');
    return;
  }
  // A first start creates and migrates the database; later starts open it.
  const fresh: Array<{ ready: AppEvent; tray: AppEvent }> = [];
  const again: Array<{ ready: AppEvent; tray: AppEvent }> = [];
  for (let i = 0; i < RUNS; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-bench-startup-'));
    try {
      fresh.push(await startOnce(entry, dir));
      again.push(await startOnce(entry, dir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  line('start, empty data folder (creates the database)', fresh);
  line('start, empty database', again);

  const big = mkdtempSync(join(tmpdir(), 'outbox-bench-startup-100k-'));
  try {
    const t0 = performance.now();
    // Seeded at the real time: posts before now are published, later ones scheduled (none is late).
    await seeded(big, new ManualClock(new Date().toISOString()));
    console.log(`seeded 100,000 posts (300,000 entries, 10 accounts) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const runs: Array<{ ready: AppEvent; tray: AppEvent }> = [];
    for (let i = 0; i < RUNS; i++) runs.push(await startOnce(entry, big));
    line('start, 100k-post database', runs);
  } finally {
    rmSync(big, { recursive: true, force: true });
  }

  // Where the CPU goes before ready (one profiled run on an empty database; profiling adds its own cost).
  const dir = mkdtempSync(join(tmpdir(), 'outbox-bench-startup-prof-'));
  const profDir = mkdtempSync(join(tmpdir(), 'outbox-bench-cpuprof-'));
  try {
    await startOnce(entry, dir);
    const { ready } = await startOnce(entry, dir, ['--cpu-prof', `--cpu-prof-dir=${profDir}`]);
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    if (file) {
      const top = profileByPackage(join(profDir, file), ready.at);
      console.log(`CPU before ready by package (--cpu-prof run, ${ready.cpuMs.toFixed(0)} ms CPU in all): ${top.slice(0, 14).map(([k, ms]) => `${k} ${ms.toFixed(0)}`).join(', ')}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(profDir, { recursive: true, force: true });
  }
}

/** Bytes of the built renderer's scripts and styles (raw and gzip), and the preload's. */
function bundleSizes() {
  const assets = join(benchRoot, 'out/renderer/assets');
  const files = readdirSync(assets).filter((f) => f.endsWith('.js') || f.endsWith('.css'));
  const sum = (ext: string) => {
    const chosen = files.filter((f) => f.endsWith(ext));
    const raw = chosen.reduce((n, f) => n + statSync(join(assets, f)).size, 0);
    const gz = chosen.reduce((n, f) => n + gzipSync(readFileSync(join(assets, f))).byteLength, 0);
    return { raw, gz, count: chosen.length };
  };
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
  const js = sum('.js');
  const css = sum('.css');
  // What the first page load fetches: index.html's script and its static imports (lazy chunks wait for their view).
  const html = readFileSync(join(benchRoot, 'out/renderer/index.html'), 'utf8');
  const entryName = /src="\.?\/?assets\/([^"]+\.js)"/.exec(html)?.[1];
  const entrySize = entryName ? statSync(join(assets, entryName)).size : 0;
  const preload = join(benchRoot, 'out/preload/index.cjs');
  console.log(
    `renderer bundle: ${js.count} script file(s) ${kb(js.raw)} (gzip ${kb(js.gz)}), entry script ${kb(entrySize)}, styles ${kb(css.raw)}; preload ${existsSync(preload) ? kb(statSync(preload).size) : 'n/a'}`,
  );
}

/** First paint of the app page in Chromium through the harness (a fresh browser context each time). */
async function firstPaint() {
  const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    console.log(`first paint: skipped (no Chromium at ${executablePath})`);
    return;
  }
  const harness = await startHarness();
  const browser = await chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const fcp: number[] = [];
    const calendar: number[] = [];
    for (let i = 0; i < RUNS + 1; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 820 }, timezoneId: 'UTC', locale: 'en-US' });
      const page = await context.newPage();
      await page.goto(harness.url);
      await page.getByRole('button', { name: 'Next month' }).waitFor();
      // Paint entries are queued after the frame: wait for it (a run without one counts as NaN, and says so).
      await page
        .waitForFunction(() => (performance as unknown as { getEntriesByType(type: string): Array<{ name: string }> }).getEntriesByType('paint').some((e) => e.name === 'first-contentful-paint'), undefined, { timeout: 5000 })
        .catch(() => undefined);
      // Page callbacks: the node tsconfig has no DOM types, so they name what they touch.
      const figures = (await page.evaluate(() => {
        type Entry = { name: string; startTime: number; duration: number };
        const perf = performance as unknown as { getEntriesByType(type: string): Entry[]; getEntriesByName(name: string): Entry[] };
        const paint = perf.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint');
        const shown = perf.getEntriesByName('calendar:month')[0];
        return { fcp: paint?.startTime ?? Number.NaN, calendar: shown ? shown.startTime + shown.duration : Number.NaN };
      })) as { fcp: number; calendar: number };
      // The first page load warms the server's file cache.
      if (i > 0) {
        fcp.push(figures.fcp);
        calendar.push(figures.calendar);
      }
      await context.close();
    }
    console.log(
      `renderer first paint (navigation to first contentful paint): median ${percentile(fcp, 50).toFixed(0)} ms, p95 ${percentile(fcp, 95).toFixed(0)} ms; calendar painted: median ${percentile(calendar, 50).toFixed(0)} ms, p95 ${percentile(calendar, 95).toFixed(0)} ms (${fcp.length} runs, empty database)`,
    );
  } finally {
    await browser.close();
    await harness.close();
    rmSync(harness.dataDir, { recursive: true, force: true });
  }
}

export async function run() {
  await mainProcess();
  if (!existsSync(join(benchRoot, 'out/renderer/index.html'))) {
    console.log('renderer: skipped (no built renderer: run `npx electron-vite build` first)');
    return;
  }
  bundleSizes();
  await firstPaint();
}
