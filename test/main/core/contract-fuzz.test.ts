import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../../../src/shared/ipc/contract';
import { makeTestCore, snapshotDatabase, type TestCore } from '../../support/core';
import { seeded } from '../../support/random';

const KEYS = ['id', 'timeZone', 'publishingPaused', 'parts', 'text', 'schedule', 'at', 'mode', 'platform', 'limit', 'offset', '__proto__', 'constructor'];
const STRINGS = ['', 'x', 'UTC', 'Europe/Paris', '2026-01-01T00:00:00Z', 'not-a-date', '\u0000', '💥'.repeat(50), 'a'.repeat(5000), "'; DROP TABLE settings; --"];

function randomValue(next: () => number, depth = 0): unknown {
  const pick = Math.floor(next() * (depth > 2 ? 7 : 9));
  switch (pick) {
    case 0:
      return undefined;
    case 1:
      return null;
    case 2:
      return next() < 0.5;
    case 3:
      return [0, -1, 1e308, Number.NaN, 3.5, Number.MAX_SAFE_INTEGER][Math.floor(next() * 6)];
    case 4:
    case 5:
      return STRINGS[Math.floor(next() * STRINGS.length)];
    case 6:
      return Symbol.for('x').toString();
    case 7:
      return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
    default: {
      const out: Record<string, unknown> = {};
      const n = Math.floor(next() * 4);
      for (let i = 0; i < n; i++) out[KEYS[Math.floor(next() * KEYS.length)]!] = randomValue(next, depth + 1);
      return out;
    }
  }
}

let t: TestCore;
beforeAll(async () => {
  t = await makeTestCore();
});
afterAll(async () => t.dispose());

describe('every channel validates its payload', () => {
  it.each(CHANNELS)('%s: 1,000 random payloads never throw, always answer a Result, and rejected ones change nothing', async (channel) => {
    const next = seeded([...channel].reduce((h, c) => h * 31 + c.charCodeAt(0), 7));
    const db = join(t.dataDir, 'outbox.db');
    for (let i = 0; i < 1000; i++) {
      const payload = randomValue(next);
      const before = snapshotDatabase(db);
      const result = await t.core.invoke(channel as never, payload as never);
      expect(typeof result).toBe('object');
      expect(typeof result.ok).toBe('boolean');
      if (!result.ok) {
        expect(typeof result.error.message).toBe('string');
        expect(['not_found', 'conflict', 'validation', 'unauthorized', 'offline', 'rate_limited', 'internal']).toContain(result.error.code);
        expect(result.error.code, `${channel} answered internal for ${JSON.stringify(payload)}`).not.toBe('internal');
        expect(snapshotDatabase(db), `${channel} changed the database while refusing ${JSON.stringify(payload)}`).toBe(before);
      }
    }
  });
});
