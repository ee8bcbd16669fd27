import type { Db } from '../db/database';

/** The engine that owns the data folder (the engine_owner row). */
export interface EngineOwner {
  token: string;
  pid: number;
  host: string;
  startedAt: number;
}

/** SQL for the one engine_owner row. */
export function createEngineOwnerRepo(db: Db) {
  const s = {
    read: db.prepare('SELECT token, pid, host, started_at AS startedAt FROM engine_owner WHERE id = 1'),
    write: db.prepare(
      `INSERT INTO engine_owner (id, token, pid, host, started_at) VALUES (1, @token, @pid, @host, @startedAt)
       ON CONFLICT (id) DO UPDATE SET token = excluded.token, pid = excluded.pid, host = excluded.host, started_at = excluded.started_at`,
    ),
    clear: db.prepare('DELETE FROM engine_owner WHERE id = 1 AND token = @token'),
  };
  return {
    read: () => (s.read.get() as EngineOwner | undefined) ?? null,
    write: (owner: EngineOwner) => void s.write.run(owner),
    /** Forgets the owner if it is still `token` (a clean close). */
    clear: (token: string) => void s.clear.run({ token }),
  };
}
