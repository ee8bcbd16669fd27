// Makes `npm start` work on a fresh clone with internet access:
// 1. Electron 42+ no longer downloads its binary at install, and electron-vite reads
//    node_modules/electron/path.txt directly (it does not trigger the lazy download), so we
//    run Electron's own installer when the binary is missing.
// 2. better-sqlite3 in node_modules is compiled for Node (the tests run on Node). Electron has
//    its own ABI, so we build a second copy for Electron under node_modules/.cache and point the
//    app at it with OUTBOX_SQLITE_BINDING (the packaged app gets its own rebuild from
//    electron-builder instead).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const electronDir = dirname(require.resolve('electron/package.json'));
const electronVersion = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version;

function electronBinary() {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(electronDir, 'dist', readFileSync(pathFile, 'utf8'));
  return existsSync(binary) ? binary : null;
}

if (!electronBinary()) {
  console.log(`Downloading Electron ${electronVersion} (first start only)...`);
  const result = spawnSync(process.execPath, [join(electronDir, 'install.js')], { stdio: 'inherit', env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '' } });
  if (result.status !== 0 || !electronBinary()) {
    console.error('Could not download Electron. Check your internet connection and run `npm start` again.');
    process.exit(1);
  }
}

const cacheRoot = join(root, 'node_modules/.cache/outbox-electron', electronVersion);
const binding = join(cacheRoot, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
if (!existsSync(binding)) {
  console.log(`Building better-sqlite3 for Electron ${electronVersion} (first start only)...`);
  const source = dirname(require.resolve('better-sqlite3/package.json'));
  mkdirSync(join(cacheRoot, 'node_modules'), { recursive: true });
  cpSync(source, join(cacheRoot, 'node_modules/better-sqlite3'), { recursive: true, filter: (path) => !path.includes(`${join('better-sqlite3', 'build')}`) });
  for (const dep of ['bindings', 'file-uri-to-path']) {
    const from = dirname(require.resolve(`${dep}/package.json`, { paths: [source] }));
    cpSync(from, join(cacheRoot, 'node_modules', dep), { recursive: true });
  }
  const version = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')).version;
  writeFileSync(join(cacheRoot, 'package.json'), JSON.stringify({ name: 'outbox-electron-natives', private: true, dependencies: { 'better-sqlite3': version } }));
  const { rebuild } = await import('@electron/rebuild');
  await rebuild({ buildPath: cacheRoot, electronVersion, onlyModules: ['better-sqlite3'], force: true });
  if (!existsSync(binding)) {
    console.error(`better-sqlite3 was not built for Electron (expected ${binding}).`);
    process.exit(1);
  }
}

// Run electron-vite with the Electron-built binding; it passes the environment to Electron,
// whose main process hands the path to better-sqlite3 (src/main/index.ts).
const command = process.argv[2] ?? 'preview';
const cli = join(dirname(require.resolve('electron-vite/package.json')), 'bin/electron-vite.js');
const run = spawnSync(process.execPath, [cli, command, ...process.argv.slice(3)], {
  stdio: 'inherit',
  env: { ...process.env, OUTBOX_SQLITE_BINDING: binding },
});
process.exit(run.status ?? 1);
