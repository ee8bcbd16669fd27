// The built app (out/main/index.js) run under plain Node for the startup and idle benches.
// Electron cannot run here, so a copy of the bundle has its one `electron` import (and
// electron-store's) pointed at ./fake-electron.mjs; everything else is the shipped code, loading
// its dependencies from node_modules exactly as the app does. No loader hooks: they would add
// their own cost to every module load.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fake = pathToFileURL(fileURLToPath(new URL('./fake-electron.mjs', import.meta.url))).href;

/** What the fake Electron reported, in order (`at` ms since the process started, `cpuMs` since too). */
export interface AppEvent {
  event: string;
  at: number;
  cpuMs: number;
  [key: string]: unknown;
}

/** Copies the built main bundle to out/bench/main with Electron faked; returns its entry, or null when there is no build. */
export function prepareBuiltApp(): string | null {
  const built = join(root, 'out/main/index.js');
  if (!existsSync(built)) return null;
  const dir = join(root, 'out/bench/main');
  rmSync(join(root, 'out/bench'), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(join(root, 'out/main'), dir, { recursive: true });
  const storeEntry = createRequire(join(root, 'package.json')).resolve('electron-store');
  const store = readFileSync(storeEntry, 'utf8').replace(/from ['"]electron['"]/g, `from ${JSON.stringify(fake)}`);
  // Beside the bundle so its own imports (conf) resolve from the repository's node_modules.
  const storeCopy = join(root, 'out/bench/electron-store.mjs');
  writeFileSync(storeCopy, store);
  const entry = join(dir, 'index.js');
  const code = readFileSync(entry, 'utf8');
  const patched = code.replace(/from ["']electron["']/g, `from ${JSON.stringify(fake)}`).replace(/from ["']electron-store["']/g, `from ${JSON.stringify(pathToFileURL(storeCopy).href)}`);
  if (patched === code) throw new Error('the built bundle no longer imports electron as expected');
  writeFileSync(entry, patched);
  return entry;
}

/** A running copy of the built app. */
export interface RunningApp {
  events: AppEvent[];
  /** Resolves with the first event matching `test` (rejects after `timeoutMs`). */
  waitFor(test: (e: AppEvent) => boolean, timeoutMs?: number): Promise<AppEvent>;
  /** Asks the fake for its figures now (an `ask` event answers). */
  ask(): Promise<AppEvent>;
  stop(): Promise<void>;
  stderr(): string;
}

/** Starts the prepared app on `dataDir` with `node ...nodeArgs entry`. */
export function startBuiltApp(entry: string, dataDir: string, options: { nodeArgs?: string[]; env?: Record<string, string> } = {}): RunningApp {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), entry], {
    cwd: root,
    env: { ...process.env, ...options.env, OUTBOX_BENCH_DIR: dataDir },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const events: AppEvent[] = [];
  const waiters: Array<{ test: (e: AppEvent) => boolean; resolve: (e: AppEvent) => void }> = [];
  let err = '';
  let buffer = '';
  let exited: number | null = null;
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout.on('data', (d: Buffer) => {
    buffer += d.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (!line.startsWith('OUTBOX_BENCH ')) continue;
      const e = JSON.parse(line.slice('OUTBOX_BENCH '.length)) as AppEvent;
      events.push(e);
      for (const w of [...waiters]) if (w.test(e)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(e));
    }
  });
  const done = new Promise<void>((resolve) => child.on('exit', (code) => ((exited = code ?? -1), resolve())));
  const waitFor = (test: (e: AppEvent) => boolean, timeoutMs = 60_000) =>
    new Promise<AppEvent>((resolve, reject) => {
      const found = events.find(test);
      if (found) return resolve(found);
      const timer = setTimeout(() => reject(new Error(`the app never said so (exit ${exited}): ${err.slice(-2000)}`)), timeoutMs);
      waiters.push({ test, resolve: (e) => (clearTimeout(timer), resolve(e)) });
      void done.then(() => setTimeout(() => reject(new Error(`the app exited (${exited}): ${err.slice(-2000)}`)), 50));
    });
  let asks = 0;
  return {
    events,
    waitFor,
    ask() {
      const n = ++asks;
      child.stdin.write(`ask ${n}\n`);
      return waitFor((e) => e.event === 'ask' && e['n'] === n);
    },
    async stop() {
      if (exited === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await done;
      clearTimeout(timer);
    },
    stderr: () => err,
  };
}

export const benchRoot = root;
