import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../test/main/shell/fakes';
import { createShellPrefs } from './prefs';

describe('shell preferences', () => {
  it('start from the defaults, store changes and tell subscribers what changed', () => {
    const store = new MemoryStore();
    const prefs = createShellPrefs(store);
    expect(prefs.get()).toEqual({ theme: 'system', closeToTray: true, launchAtLogin: false });
    const seen: unknown[] = [];
    prefs.subscribe((_p, changed) => seen.push(changed));
    expect(prefs.update({ theme: 'dark', closeToTray: true }).changed).toEqual(['theme']);
    expect(createShellPrefs(store).get()).toEqual({ theme: 'dark', closeToTray: true, launchAtLogin: false });
    expect(prefs.update({ theme: 'dark' }).changed).toEqual([]);
    expect(seen).toEqual([['theme']]);
  });

  it('refuse a bad patch and store nothing', () => {
    const store = new MemoryStore();
    const prefs = createShellPrefs(store);
    expect(() => prefs.update({ theme: 'blue' })).toThrow();
    expect(() => prefs.update({ sneaky: true })).toThrow();
    expect(store.data.size).toBe(0);
  });

  it('a hand-edited store keeps its valid keys and falls back for the rest', () => {
    const store = new MemoryStore();
    store.set('prefs', { theme: 'neon', closeToTray: false, launchAtLogin: 'yes' });
    store.set('windowBounds', { x: 1, y: 2, width: 'wide' });
    const prefs = createShellPrefs(store);
    expect(prefs.get()).toEqual({ theme: 'system', closeToTray: false, launchAtLogin: false });
    expect(prefs.bounds()).toBeNull();
  });

  it('window bounds round-trip; the hide-to-tray explanation is due once', () => {
    const prefs = createShellPrefs(new MemoryStore());
    prefs.saveBounds({ x: -20, y: 30, width: 1000, height: 700, maximized: true });
    expect(prefs.bounds()).toEqual({ x: -20, y: 30, width: 1000, height: 700, maximized: true });
    expect(prefs.firstHideToTray()).toBe(true);
    expect(prefs.firstHideToTray()).toBe(false);
  });
});
