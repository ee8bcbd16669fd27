import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The renderer's own layering, read from its sources (dependency-cruiser checks the imports too;
// this also catches a bare `window.outbox` that no import shows).
const root = resolve(__dirname, '../../src/renderer/src');

function sources(dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) ? [path] : [];
  });
}

const files = sources().map((path) => ({ path: relative(root, path).replaceAll('\\', '/'), text: readFileSync(path, 'utf8') }));
const importsOf = (text: string) => [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);

describe('renderer layering', () => {
  it('reads the renderer sources', () => {
    expect(files.some((f) => f.path === 'api.ts')).toBe(true);
    expect(files.filter((f) => f.path.startsWith('stores/')).length).toBeGreaterThan(5);
  });

  it('only api.ts touches window.outbox and window.outboxShell (env.d.ts declares them)', () => {
    const offenders = files.filter((f) => f.path !== 'api.ts' && f.path !== 'env.d.ts' && /\bwindow\s*\.\s*outbox(Shell)?\b|\bglobalThis\s*\.\s*outbox/.test(f.text)).map((f) => f.path);
    expect(offenders).toEqual([]);
  });

  it('only stores import api.ts: views, components and the composer go through the stores', () => {
    const isClient = (file: string, spec: string) => spec.startsWith('.') && resolve(root, dirname(file), spec).replace(/\.ts$/, '') === join(root, 'api');
    const offenders = files.filter((f) => !f.path.startsWith('stores/') && importsOf(f.text).some((spec) => isClient(f.path, spec))).map((f) => f.path);
    expect(offenders).toEqual([]);
  });

  it('no store imports a component, a view or the composer', () => {
    const offenders = files
      .filter((f) => f.path.startsWith('stores/'))
      .flatMap((f) => importsOf(f.text).filter((spec) => /(^|\/)(components|views|composer)\//.test(spec) || /\/App$/.test(spec)).map((spec) => `${f.path} -> ${spec}`));
    expect(offenders).toEqual([]);
  });
});
