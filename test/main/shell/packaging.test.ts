import { existsSync, readFileSync } from 'node:fs';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import type { Configuration } from 'app-builder-lib';
import { DebugLogger } from 'builder-util';
import { describe, expect, it } from 'vitest';

const load = () => getConfig(process.cwd(), 'electron-builder.yml', null);

describe('packaging (electron-builder.yml)', () => {
  it("is valid for electron-builder's own schema, and the validation bites", async () => {
    const config = await load();
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config, asarr: true } as Configuration, new DebugLogger(false))).rejects.toThrow(/asarr/);
  });

  it('builds Outbox as AppImage and deb, dmg and NSIS, inside an asar, with native modules rebuilt for Electron', async () => {
    const config = await load();
    expect(config).toMatchObject({ appId: 'app.outbox.desktop', productName: 'Outbox', asar: true, npmRebuild: true, buildDependenciesFromSource: false });
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.mac?.target).toBe('dmg');
    expect(config.win?.target).toBe('nsis');
    expect(config.asarUnpack).toContain('**/*.node');
    expect(JSON.parse(readFileSync('package.json', 'utf8')).scripts.package).toBe('electron-vite build && electron-builder');
  });

  it('sets the Electron fuses: no RunAsNode, NODE_OPTIONS or inspect; asar integrity and only-load-from-asar on', async () => {
    const config = await load();
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('every icon and resource it names exists', async () => {
    const config = await load();
    for (const file of [config.linux?.icon, config.mac?.icon, config.win?.icon, config.mac?.entitlements]) {
      expect(typeof file === 'string' && existsSync(file), String(file)).toBe(true);
    }
    for (const extra of config.extraResources as Array<{ from: string }>) expect(existsSync(extra.from), extra.from).toBe(true);
  });
});
