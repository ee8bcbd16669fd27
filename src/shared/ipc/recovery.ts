import { z } from 'zod';
import { backupId, type BackupInfo, type RestoreOutcome } from './backups';
import { channel, noPayload } from './define';

/** Why Outbox is waiting on the recovery screen instead of running. */
export const RECOVERY_REASONS = ['damaged', 'emptied'] as const;
/** Why Outbox is waiting on the recovery screen. */
export type RecoveryReason = (typeof RECOVERY_REASONS)[number];

/** What the recovery screen shows. */
export type RecoveryStatus =
  | { mode: 'running' }
  | {
      mode: 'recovery';
      reason: RecoveryReason;
      /** One sentence for the creator. */
      message: string;
      /** SQLite's own words, for support. */
      detail: string;
      dataDir: string;
      /** The database file Outbox uses. */
      database: string;
      /** Damaged files kept aside (`outbox.db.damaged-<time>`), newest first. */
      keptAside: string[];
      backups: BackupInfo[];
    };

/**
 * Recovery channels: answered by the host while the engine cannot start (a damaged or emptied
 * database). A running engine answers `recovery:status` with `{ mode: 'running' }`.
 */
export const recoveryChannels = {
  'recovery:status': channel(noPayload).returns<RecoveryStatus>(),
  /** Restores a backup and starts Outbox on it. */
  'recovery:restore': channel(z.strictObject({ id: backupId })).returns<RestoreOutcome>(),
  /** Starts on a new, empty database: only when the creator says so (the damaged file stays aside). */
  'recovery:startFresh': channel(z.strictObject({ confirm: z.literal(true) })).returns<{ started: true }>(),
};
