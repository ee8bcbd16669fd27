import { afterEach, describe, expect, it } from 'vitest';
import { makeTestCore, type TestCore } from '../../../../test/support/core';
import { API_TOKEN_KEY, createApiRuntime } from './api-runtime';

let t: TestCore | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

describe('api settings', () => {
  it('the API is off by default on port 7787, with no token', async () => {
    t = await makeTestCore();
    expect(await t.core.invoke('settings:get')).toMatchObject({ ok: true, value: { apiEnabled: false, apiPort: 7787 } });
    expect(await t.core.invoke('api:status')).toEqual({ ok: true, value: { enabled: false, port: 7787, running: false, url: null, tokenSet: false, error: null } });
  });

  it('regenerating stores a new token in the secret store and answers it once; the old one is replaced', async () => {
    t = await makeTestCore();
    const first = await t.core.invoke('api:regenerateToken');
    if (!first.ok) throw new Error(first.error.message);
    expect(first.value.token).toMatch(/^obx_[A-Za-z0-9_-]{43}$/);
    expect(await t.secrets.get(API_TOKEN_KEY)).toBe(first.value.token);
    const second = await t.core.invoke('api:regenerateToken');
    if (!second.ok) throw new Error(second.error.message);
    expect(second.value.token).not.toBe(first.value.token);
    expect(await t.secrets.get(API_TOKEN_KEY)).toBe(second.value.token);
    const status = await t.core.invoke('api:status');
    expect(status).toMatchObject({ ok: true, value: { tokenSet: true } });
    expect(JSON.stringify(status)).not.toContain(second.value.token);
  });

  it('status reports running only when the server listens on the configured port, and the error otherwise', async () => {
    const runtime = createApiRuntime();
    t = await makeTestCore({ apiRuntime: runtime });
    await t.core.invoke('settings:update', { apiEnabled: true, apiPort: 8123 });
    runtime.set({ running: true, port: 8123, error: null });
    expect(await t.core.invoke('api:status')).toMatchObject({ ok: true, value: { enabled: true, running: true, url: 'http://127.0.0.1:8123', error: null } });
    runtime.set({ running: false, port: null, error: 'Port 8123 is already in use' });
    expect(await t.core.invoke('api:status')).toMatchObject({ ok: true, value: { running: false, url: null, error: 'Port 8123 is already in use' } });
  });

  it('a port outside 1024..65535 is a validation error on apiPort', async () => {
    t = await makeTestCore();
    const result = await t.core.invoke('settings:update', { apiPort: 80 });
    expect(result).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ path: 'apiPort' }] } });
  });
});

describe('api:status without a keychain', () => {
  it('still answers, saying no token is set and why', async () => {
    const broken = {
      get: async () => {
        throw new Error('No OS keychain is available, so Outbox cannot store account secrets.');
      },
      set: async () => {},
      delete: async () => {},
    };
    const t = await makeTestCore({ secrets: broken as never });
    try {
      const status = await t.core.invoke('api:status');
      expect(status).toMatchObject({ ok: true, value: { tokenSet: false, running: false, error: expect.stringMatching(/No OS keychain/) } });
    } finally {
      await t.dispose();
    }
  });
});
