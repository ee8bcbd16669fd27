import { expect } from 'vitest';
import type { CoreOptions } from '../../../../src/main/core/create-core';
import type { PostPart } from '../../../../src/shared/domain';
import { makeTestCore, type TestCore } from '../../../support/core';
import { CountingClock, PublishingFixture, TestCredentials } from '../../../support/publishing-fixture';

import { ScriptedAdapter } from '../../../support/scripted-adapter';

export { CountingClock };

export interface Rig {
  t: TestCore;
  fx: PublishingFixture;
  clock: CountingClock;
  /** Idempotent (like Bluesky with its record keys). */
  bsky: ScriptedAdapter;
  /** Not idempotent. */
  masto: ScriptedAdapter;
  credentials: TestCredentials;
  close(): Promise<void>;
}

/** A test engine with scripted Bluesky (idempotent) and Mastodon (not) adapters. */
export async function rig(overrides: Partial<CoreOptions> & { start?: string } = {}): Promise<Rig> {
  const { start, ...options } = overrides;
  const clock = new CountingClock(start);
  const bsky = new ScriptedAdapter('bluesky', true);
  const masto = new ScriptedAdapter('mastodon', false);
  let fx: PublishingFixture | undefined;
  const credentials = new TestCredentials(() => fx);
  // The accounts service checks accounts at start: these answer "still connected" without a network.
  const connectors = Object.fromEntries(
    (['bluesky', 'mastodon'] as const).map((platform) => [
      platform,
      { platform, connect: async () => Promise.reject(new Error('not in these tests')), check: async () => ({ connection: 'connected' as const }) },
    ]),
  );
  const t = await makeTestCore({ clock, adapters: { bluesky: bsky, mastodon: masto }, credentials, connectors, drainTimeoutMs: 100, ...options });
  fx = new PublishingFixture(t.dataDir, t.secrets);
  return {
    t,
    fx,
    clock,
    bsky,
    masto,
    credentials,
    async close() {
      fx!.close();
      await t.dispose();
    },
  };
}

/** Creates a post through posts:create, scheduled `inMs` from now; returns its id. */
export async function schedulePost(r: Rig, accountIds: string[], inMs: number, parts: PostPart[] = [{ text: 'hello world', media: [] }], extra: Record<string, unknown> = {}): Promise<string> {
  const at = new Date(r.clock.now() + inMs).toISOString();
  const result = await r.t.core.invoke('posts:create', { parts, targets: accountIds.map((accountId) => ({ accountId })), schedule: { mode: 'at', at }, ...extra } as never);
  if (!result.ok) throw new Error(`posts:create failed: ${result.error.message}`);
  return result.value.post.id;
}

/** posts:get, unwrapped. */
export async function getPost(r: Rig, id: string) {
  const result = await r.t.core.invoke('posts:get', { id });
  expect(result.ok, JSON.stringify(result)).toBe(true);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

export { seeded } from '../../../support/random';
