import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IntegrityReport } from '../../../shared/ipc/backups';

// The last full integrity check is recorded beside the backups, not in the database it judges.
const FILE = 'integrity.json';

/** The last full integrity check, or null when none ran yet. */
export function readIntegrity(backupsDir: string): IntegrityReport | null {
  try {
    const value = JSON.parse(readFileSync(join(backupsDir, FILE), 'utf8')) as IntegrityReport;
    return typeof value.at === 'string' && typeof value.ok === 'boolean' ? { at: value.at, ok: value.ok, message: value.message ?? null } : null;
  } catch {
    return null;
  }
}

/** Records a full integrity check. */
export function writeIntegrity(backupsDir: string, report: IntegrityReport) {
  const path = join(backupsDir, FILE);
  writeFileSync(`${path}.tmp`, JSON.stringify(report));
  renameSync(`${path}.tmp`, path);
}
