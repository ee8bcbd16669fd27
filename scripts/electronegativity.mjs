// Runs Doyensec's electronegativity over Outbox's sources and fails on any HIGH or MEDIUM
// finding. A finding we accept must be annotated on its line in the code, with its reason:
//   something(); // eng-disable CHECK_ID -- why this is safe here
// (electronegativity itself honours `eng-disable`; this script also refuses one without a reason).
//
// Usage: node scripts/electronegativity.mjs [--input <dir>] [--json]
//   --input  the source folder to scan (default: src); tests and their fakes are left out.
//   --json   print the verdict as JSON (the vitest check reads it).
// Exit code: 0 clean, 1 findings or bad annotations, 2 the tool itself failed.
//
// The tool always exits 0, so its verdict is read from a file. Its CLI cannot start here (it
// relies on a hoisted commander@2 that npm no longer hoists), its CSV writer races (the header
// is written with flag 'w' after the rows are appended, truncating them) and its SARIF output
// drops the severity. So its runner is called directly in a child process, which writes the
// findings (with severity and confidence) to a JSON file that this script reads.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const input = resolve(root, option('--input') ?? 'src');
const asJson = args.includes('--json');
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const runner = require.resolve('@doyensec/electronegativity/dist/runner.js');

// Checks left out, each with its reason.
const EXCLUDED = {
  // Downloads Electron's release list from GitHub: needs the internet, and its verdict changes
  // with every Electron release, so a run would not be repeatable. Electron upgrades are tracked
  // by the dependency update process instead.
  AvailableSecurityFixesGlobalCheck: 'needs the internet; not repeatable',
};

const SEVERE = new Set(['HIGH', 'MEDIUM']);
const isTest = (path) => /\.(test|spec)\.[cm]?[jt]sx?$|\.e2e\.ts$/.test(path);

function stage(from, to) {
  for (const name of readdirSync(from)) {
    const path = join(from, name);
    if (name === 'node_modules') continue;
    if (statSync(path).isDirectory()) stage(path, join(to, name));
    else if (!isTest(path)) cpSync(path, join(to, name));
  }
}

/** Every `eng-disable` annotation in the staged files, and those that give no reason. */
function annotations(dir) {
  const found = [];
  const walk = (at) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(m?[jt]sx?|html?)$/.test(name)) {
        readFileSync(path, 'utf8')
          .split('\n')
          .forEach((line, index) => {
            const match = /eng-disable\s+([\w\s,]*?)(?:\s+--\s*(.*?))?\s*(?:\*\/|-->)?\s*$/.exec(line);
            if (match) found.push({ file: relative(dir, path), line: index + 1, checks: match[1].trim(), reason: (match[2] ?? '').trim() });
          });
      }
    }
  };
  walk(dir);
  return found;
}

function main() {
  if (!existsSync(input)) return { ok: false, error: `No such folder: ${input}` };
  const work = mkdtempSync(join(tmpdir(), 'outbox-eng-'));
  try {
    const staged = join(work, 'app');
    stage(input, staged);
    const output = join(work, 'report.json');
    const script = `
      const run = require(${JSON.stringify(runner)});
      run({
        input: ${JSON.stringify(staged)}, isRelative: true,
        electronVersionOverride: ${JSON.stringify(electronVersion)},
        customScan: [], excludeFromScan: ${JSON.stringify(Object.keys(EXCLUDED).map((c) => c.toLowerCase()))},
      }).then((r) => {
        const findings = r.issues.map((i) => ({ id: i.id, severity: i.severity.name, confidence: i.confidence.name, file: i.file,
          location: i.location.line + ':' + i.location.column, sample: i.sample, manualReview: i.manualReview }));
        require('node:fs').writeFileSync(${JSON.stringify(output)}, JSON.stringify({ checks: r.globalChecks + r.atomicChecks, errors: r.errors, findings }));
      }, (e) => { console.error(e && e.stack || e); process.exit(2); });`;
    // LANG=en-US: the runner fetches translations for $LANG first (it gives up after 1 s offline).
    const child = spawnSync(process.execPath, ['-e', script], { cwd: work, encoding: 'utf8', env: { ...process.env, LANG: 'en-US' }, timeout: 120_000 });
    if (child.status !== 0 || !existsSync(output)) {
      return { ok: false, error: `electronegativity did not run (exit ${child.status}): ${(child.stderr || child.stdout || '').slice(-2000)}` };
    }
    const summary = JSON.parse(readFileSync(output, 'utf8'));
    const findings = summary.findings.map((f) => ({ ...f, sample: f.sample?.trim() }));
    const severe = findings.filter((f) => SEVERE.has(f.severity));
    const notes = annotations(staged);
    const unexplained = notes.filter((n) => n.reason.length < 10);
    const parseErrors = summary.errors.filter((e) => !e.tolerable);
    return {
      ok: severe.length === 0 && unexplained.length === 0 && parseErrors.length === 0,
      electronVersion,
      checks: summary.checks,
      excluded: EXCLUDED,
      severe,
      accepted: notes.filter((n) => n.reason.length >= 10),
      unexplained,
      parseErrors,
      lower: findings.filter((f) => !SEVERE.has(f.severity)),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const verdict = main();
if (asJson) console.log(JSON.stringify(verdict, null, 2));
else if (verdict.error) console.error(verdict.error);
else {
  console.log(`electronegativity: ${verdict.checks} checks for Electron ${verdict.electronVersion} over ${relative(root, input) || '.'}`);
  for (const f of verdict.severe) console.log(`  ${f.severity} ${f.id} ${f.file}:${f.location} ${f.sample ?? ''}`);
  for (const n of verdict.unexplained) console.log(`  annotation without a reason: ${n.file}:${n.line} eng-disable ${n.checks}`);
  for (const e of verdict.parseErrors) console.log(`  could not parse ${e.file}: ${e.message}`);
  for (const n of verdict.accepted) console.log(`  accepted ${n.checks} at ${n.file}:${n.line}: ${n.reason}`);
  for (const f of verdict.lower) console.log(`  (${f.severity}) ${f.id} ${f.file}:${f.location}`);
  console.log(verdict.ok ? 'No HIGH or MEDIUM finding.' : 'FAILED: fix the findings above or annotate them with their reason.');
}
process.exit(verdict.error ? 2 : verdict.ok ? 0 : 1);
