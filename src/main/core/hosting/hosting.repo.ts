import type { Db } from '../db/database';

/** The `media_hosting` row: where the creator's bucket is (the keys live in the keychain). */
export interface HostingRow {
  endpoint: string;
  region: string;
  bucket: string;
  prefix: string;
  path_style: number;
  updated_at: number;
  last_sweep_at: number | null;
  last_sweep_removed: number | null;
  last_sweep_error: string | null;
}

/** SQL for media hosting (one row, id 1). */
export function createHostingRepo(db: Db) {
  const s = {
    get: db.prepare('SELECT * FROM media_hosting WHERE id = 1'),
    save: db.prepare(
      `INSERT INTO media_hosting (id, endpoint, region, bucket, prefix, path_style, updated_at)
       VALUES (1, @endpoint, @region, @bucket, @prefix, @pathStyle, @now)
       ON CONFLICT (id) DO UPDATE SET endpoint = excluded.endpoint, region = excluded.region, bucket = excluded.bucket,
         prefix = excluded.prefix, path_style = excluded.path_style, updated_at = excluded.updated_at`,
    ),
    clear: db.prepare('DELETE FROM media_hosting WHERE id = 1'),
    sweep: db.prepare('UPDATE media_hosting SET last_sweep_at = @at, last_sweep_removed = @removed, last_sweep_error = @error WHERE id = 1'),
  };
  return {
    get: () => s.get.get() as HostingRow | undefined,
    save(config: { endpoint: string; region: string; bucket: string; prefix: string; pathStyle: boolean }, now: number) {
      s.save.run({ ...config, pathStyle: config.pathStyle ? 1 : 0, now });
    },
    clear: () => void s.clear.run(),
    recordSweep: (at: number, removed: number, error: string | null) => void s.sweep.run({ at, removed, error }),
  };
}

/** The hosting repo. */
export type HostingRepo = ReturnType<typeof createHostingRepo>;
