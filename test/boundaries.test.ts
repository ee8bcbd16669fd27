import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..');
const fixture = join(root, 'test/fixtures/boundaries');
const depcruise = join(root, 'node_modules/.bin/depcruise');

function cruise(cwd: string) {
  return spawnSync(depcruise, ['src', '--config', join(root, '.dependency-cruiser.cjs'), '--output-type', 'err'], { cwd, encoding: 'utf8' });
}

describe('boundaries check', () => {
  it('passes on the real source tree', () => {
    const result = cruise(root);
    expect(result.stdout + result.stderr).toMatch(/no dependency violations/);
    expect(result.status).toBe(0);
  });

  it('fails on deliberate violations: electron in the engine, node:* and src/main in the renderer, a library in shared, a store importing a component, a view skipping the stores, a heavy module loaded at start', () => {
    // The fixture resolves packages through the project's node_modules.
    const link = join(fixture, 'node_modules');
    if (!existsSync(link)) symlinkSync(join(root, 'node_modules'), link, 'dir');
    try {
      const result = cruise(fixture);
      const output = result.stdout + result.stderr;
      expect(result.status).not.toBe(0);
      expect(output).toMatch(/engine-no-electron: src\/main\/core\/bad\.ts → (\.\.\/)*([\w-]+\/)?node_modules\/electron/);
      expect(output).toMatch(/renderer-no-node-or-electron: src\/renderer\/bad\.ts → (node:)?fs/);
      expect(output).toMatch(/renderer-only-shared: src\/renderer\/bad\.ts → src\/main\/core\/bad\.ts/);
      expect(output).toMatch(/shared-is-pure: src\/shared\/bad\.ts → (\.\.\/)*([\w-]+\/)?node_modules\/twitter-text/);
      // Renderer layering: stores never import UI (no store -> component -> store circle), and
      // views reach the engine only through the stores.
      expect(output).toMatch(/renderer-stores-no-ui: src\/renderer\/src\/stores\/bad\.store\.ts → src\/renderer\/src\/components\/thing\.ts/);
      expect(output).toMatch(/renderer-no-cycles: src\/renderer\/src\/(components\/thing|stores\/bad\.store)\.ts/);
      expect(output).toMatch(/renderer-engine-through-stores: src\/renderer\/src\/views\/bad-view\.ts → src\/renderer\/src\/api\.ts/);
      // Heavy modules load on first use: a static import is refused, import() and import type are not.
      expect(output).toMatch(/heavy-modules-on-first-use: src\/main\/platforms\/heavy\.ts → (\.\.\/)*([\w-]+\/)?node_modules\/@atproto\/api/);
      expect(output).toMatch(/heavy-modules-on-first-use: src\/main\/platforms\/heavy\.ts → (\.\.\/)*([\w-]+\/)?node_modules\/date-fns\/index/);
      expect(output.match(/heavy-modules-on-first-use: [^\n]*node_modules\/sharp/g)).toBeNull();
    } finally {
      rmSync(link, { force: true });
    }
  });
});
