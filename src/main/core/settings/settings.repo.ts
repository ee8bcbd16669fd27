import type { Db } from '../db/database';

/** Raw settings rows: key -> parsed JSON value. */
export function createSettingsRepo(db: Db) {
  const all = db.prepare('SELECT key, value FROM settings');
  const upsert = db.prepare('INSERT INTO settings (key, value) VALUES (@key, @value) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  return {
    readAll(): Record<string, unknown> {
      const out: Record<string, unknown> = {};
      for (const row of all.all() as Array<{ key: string; value: string }>) {
        try {
          out[row.key] = JSON.parse(row.value);
        } catch {
          // A value this version cannot read falls back to its default.
        }
      }
      return out;
    },
    write(values: Record<string, unknown>) {
      db.transaction(() => {
        for (const [key, value] of Object.entries(values)) upsert.run({ key, value: JSON.stringify(value) });
      })();
    },
  };
}
