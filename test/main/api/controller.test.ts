import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startApiServer, type ApiController } from '../../../src/main/api/api-controller';
import { createApiRuntime } from '../../../src/main/core/api-settings/api-runtime';
import { makeTestCore, type TestCore } from '../../support/core';
import { rawRequest } from '../../support/api-fixture';

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const address = probe.address();
  await new Promise<void>((r) => probe.close(() => r()));
  return typeof address === 'object' && address ? address.port : 0;
}

let t: TestCore | undefined;
let api: ApiController | undefined;
afterEach(async () => {
  await api?.close();
  await t?.dispose();
  api = t = undefined;
});

async function reachable(port: number, token: string): Promise<number | 'refused'> {
  try {
    return (await rawRequest(port, { path: '/v1/openapi.json', headers: { host: `127.0.0.1:${port}`, authorization: `Bearer ${token}` } })).status;
  } catch {
    return 'refused';
  }
}

describe('startApiServer follows the settings', () => {
  it('stays closed while off, starts when enabled, moves with the port, stops when disabled', async () => {
    const runtime = createApiRuntime();
    t = await makeTestCore({ apiRuntime: runtime });
    const token = (await t.core.invoke('api:regenerateToken')) as { ok: true; value: { token: string } };
    const first = await freePort();
    await t.core.invoke('settings:update', { apiPort: first });
    api = await startApiServer({ core: t.core, secrets: t.secrets, runtime, log: () => {} });
    expect(api.url()).toBeNull();
    expect(await reachable(first, token.value.token)).toBe('refused');

    await t.core.invoke('settings:update', { apiEnabled: true });
    await api.settled();
    expect(api.url()).toBe(`http://127.0.0.1:${first}`);
    expect(await reachable(first, token.value.token)).toBe(200);
    expect(await t.core.invoke('api:status')).toMatchObject({ ok: true, value: { enabled: true, running: true, port: first, url: `http://127.0.0.1:${first}` } });

    const second = await freePort();
    await t.core.invoke('settings:update', { apiPort: second });
    await api.settled();
    expect(await reachable(first, token.value.token)).toBe('refused');
    expect(await reachable(second, token.value.token)).toBe(200);

    await t.core.invoke('settings:update', { apiEnabled: false });
    await api.settled();
    expect(await reachable(second, token.value.token)).toBe('refused');
    expect(await t.core.invoke('api:status')).toMatchObject({ ok: true, value: { enabled: false, running: false, url: null } });
  });

  it('a taken port is reported by api:status instead of crashing', async () => {
    const runtime = createApiRuntime();
    t = await makeTestCore({ apiRuntime: runtime });
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      await t.core.invoke('settings:update', { apiEnabled: true, apiPort: port });
      api = await startApiServer({ core: t.core, secrets: t.secrets, runtime, log: () => {} });
      expect(api.url()).toBeNull();
      expect(await t.core.invoke('api:status')).toMatchObject({ ok: true, value: { enabled: true, running: false, error: expect.stringMatching(/already in use/) } });
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });
});

describe('closing', () => {
  it('close() stops the server even when the engine closed first', async () => {
    const runtime = createApiRuntime();
    t = await makeTestCore({ apiRuntime: runtime });
    const port = await freePort();
    await t.core.invoke('settings:update', { apiEnabled: true, apiPort: port });
    const token = (await t.core.invoke('api:regenerateToken')) as { ok: true; value: { token: string } };
    const controller = await startApiServer({ core: t.core, secrets: t.secrets, runtime, log: () => {} });
    expect(await reachable(port, token.value.token)).toBe(200);
    await t.core.close();
    await controller.close();
    expect(await reachable(port, token.value.token)).toBe('refused');
    expect(runtime.get()).toEqual({ running: false, port: null, error: null });
  });
});
