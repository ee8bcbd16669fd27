import { describe, expect, it } from 'vitest';
import { PLATFORMS } from '../../../shared/domain';
import { PLATFORM_SPECS } from '../../../shared/platforms';
import { PLATFORM_LOOK, PLATFORM_ORDER, platformName } from './platforms';

describe('renderer platform names and looks', () => {
  it('every platform is in the pickers exactly once and has a colour', () => {
    expect([...PLATFORM_ORDER].sort()).toEqual([...PLATFORMS].sort());
    expect(new Set(PLATFORM_ORDER).size).toBe(PLATFORM_ORDER.length);
    for (const p of PLATFORMS) expect(PLATFORM_LOOK[p].color).toMatch(/^#[0-9a-f]{6}$/);
  });

  it('names come from the shared catalog, the one place they are spelled', () => {
    for (const p of PLATFORMS) expect(platformName(p)).toBe(PLATFORM_SPECS[p].name);
  });
});
