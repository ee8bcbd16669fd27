// src/main/index.ts started at login (`--hidden`) on a fake `electron`: tray only, no window
// until the creator opens one.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { flushPromises } from '../../../src/main/core/ports/doubles';
import { HIDDEN_ARG } from '../../../src/main/shell/login-item';
import { FakeWindow } from './fakes';
import { FakeTray, type FakeElectron } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).makeFakeElectron());
vi.mock('electron-store', async () => ({ default: (await import('./fakes')).MemoryStore }));

let electron: FakeElectron;
const signalListeners = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };

beforeAll(async () => {
  electron = (await import('electron')) as unknown as FakeElectron;
  process.argv.push(HIDDEN_ARG);
  try {
    await import('../../../src/main/index');
    electron.app.fireReady();
    for (let i = 0; i < 200 && (FakeTray.all[0]?.menu.length ?? 0) === 0; i++) await flushPromises(2);
  } finally {
    process.argv.splice(process.argv.indexOf(HIDDEN_ARG), 1);
  }
});

afterAll(async () => {
  electron.app.quit();
  for (let i = 0; i < 200 && electron.app.state.exited === null; i++) await flushPromises(2);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) if (!signalListeners[signal].includes(listener)) process.removeListener(signal, listener);
  }
  rmSync(electron.userData, { recursive: true, force: true });
});

it('started at login, Outbox sits in the tray with no window until Open Outbox', async () => {
  expect(FakeTray.all).toHaveLength(1);
  expect(FakeWindow.created).toHaveLength(0);
  FakeTray.all[0]!.menu.find((i) => i.label === 'Open Outbox')!.click!();
  expect(FakeWindow.created).toHaveLength(1);
  expect(FakeWindow.created[0]!.visible).toBe(true);
});
