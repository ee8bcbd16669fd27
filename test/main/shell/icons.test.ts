import { existsSync, readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { trayIconPath } from '../../../src/main/shell/icons';
import { TRAY_STATES } from '../../../src/main/shell/tray';

const TRAY_DIR = 'resources/tray';

describe('icons in resources/', () => {
  it('every tray state has its icon for each platform and panel, with a 2x sibling', async () => {
    for (const state of TRAY_STATES) {
      for (const [platform, dark] of [['darwin', false], ['win32', false], ['win32', true], ['linux', true]] as const) {
        const file = trayIconPath(TRAY_DIR, state, platform, dark);
        const double = file.replace(/\.png$/, '@2x.png');
        expect(existsSync(file), file).toBe(true);
        expect(await sharp(file).metadata()).toMatchObject({ width: 16, height: 16, format: 'png' });
        expect(await sharp(double).metadata()).toMatchObject({ width: 32, height: 32, format: 'png' });
      }
    }
  });

  it('macOS template images are black with alpha only, and the states differ in shape', async () => {
    const shapes = new Set<string>();
    for (const state of TRAY_STATES) {
      const { data } = await sharp(`${TRAY_DIR}/tray-${state}Template@2x.png`).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      let opaque = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3]! > 0) {
          opaque++;
          expect([data[i], data[i + 1], data[i + 2]]).toEqual([0, 0, 0]);
        }
      }
      expect(opaque).toBeGreaterThan(50);
      shapes.add(Buffer.from(data.filter((_, i) => i % 4 === 3)).toString('base64'));
    }
    expect(shapes.size).toBe(TRAY_STATES.length);
  });

  it('the app icon exists as 1024 px PNG, ICO and ICNS', async () => {
    expect(await sharp('resources/icon.png').metadata()).toMatchObject({ width: 1024, height: 1024 });
    const ico = readFileSync('resources/icon.ico');
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2), ico.readUInt16LE(4)]).toEqual([0, 1, 6]);
    const icns = readFileSync('resources/icon.icns');
    expect(icns.subarray(0, 4).toString('ascii')).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
  });
});
