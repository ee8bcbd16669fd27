// Media hosting: the creator's own S3-compatible bucket, for the platforms that fetch media from
// a public URL (Instagram, Threads, TikTok photo posts). The bucket's place is a row in SQLite;
// the access key id and the secret live in the keychain and never leave the engine. The service
// hands the publishing engine its `publicLinks`, says whether hosting is set up (validation warns
// before scheduling), and sweeps what a crash left in the bucket: at start, then daily.
import type { HostingInput, HostingStatus, HostingTestResult } from '../../../shared/ipc/hosting';
import { BucketConfigError, checkBucketConfig, createMediaHost, publicLinksOf, type BucketConfig, type MediaHost } from '../../platforms/media/hosting';
import type { PublicLinks } from '../../platforms/types';
import type { Db } from '../db/database';
import { AppError, invalid } from '../errors';
import type { Clock, SecretStore, TimerHandle } from '../ports/ports';
import { createHostingRepo, type HostingRow } from './hosting.repo';

/** Where the access key id lives in the SecretStore. */
export const HOSTING_KEY_ID = 'hosting:accessKeyId';
/** Where the secret access key lives in the SecretStore. */
export const HOSTING_SECRET = 'hosting:secretAccessKey';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What the hosting service needs. */
export interface HostingDeps {
  db: Db;
  secrets: SecretStore;
  /** Arms the daily sweep (tests move it). */
  clock: Clock;
  /** Told when hosting is set up, changed or removed (validation depends on it). */
  onChange(): void;
  log(message: string, error?: unknown): void;
  /** Opens a bucket (tests may pass their own; default: the S3 client over the wall clock). */
  openHost?: (config: BucketConfig) => MediaHost;
}

/** The form's field names, by the configuration's. */
const FIELD: Record<keyof BucketConfig, string> = {
  endpoint: 'endpoint',
  region: 'region',
  bucket: 'bucket',
  accessKeyId: 'accessKeyId',
  secretAccessKey: 'secretAccessKey',
  prefix: 'prefix',
  forcePathStyle: 'pathStyle',
};

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The media hosting service. */
export function createHostingService(deps: HostingDeps) {
  const repo = createHostingRepo(deps.db);
  // Signatures and S3's LastModified are wall-clock times, whatever clock the engine runs on.
  const openHost = deps.openHost ?? ((config: BucketConfig) => createMediaHost(config));
  let cached: { version: number; host: MediaHost } | null = null;
  let timer: TimerHandle | null = null;
  let sweeping: Promise<void> | null = null;
  let sweepAgain = false;
  let closed = false;

  function dropHost() {
    cached?.host.close();
    cached = null;
  }

  async function storedKeys(): Promise<{ accessKeyId: string | null; secretAccessKey: string | null }> {
    const [accessKeyId, secretAccessKey] = await Promise.all([deps.secrets.get(HOSTING_KEY_ID), deps.secrets.get(HOSTING_SECRET)]);
    return { accessKeyId, secretAccessKey };
  }

  /** Checks the form's values (stored keys fill the empty ones); throws a validation error naming the field. */
  async function configOf(input: HostingInput): Promise<ReturnType<typeof checkBucketConfig>> {
    let stored: { accessKeyId: string | null; secretAccessKey: string | null } = { accessKeyId: null, secretAccessKey: null };
    if (!input.accessKeyId?.trim() || !input.secretAccessKey) {
      try {
        stored = await storedKeys();
      } catch (error) {
        throw new AppError('internal', `The keychain cannot be read: ${message(error)}`);
      }
    }
    try {
      return checkBucketConfig({
        endpoint: input.endpoint ?? '',
        region: input.region,
        bucket: input.bucket,
        prefix: input.prefix ?? 'outbox/',
        forcePathStyle: input.pathStyle ?? false,
        accessKeyId: input.accessKeyId?.trim() || stored.accessKeyId || '',
        secretAccessKey: input.secretAccessKey || stored.secretAccessKey || '',
      });
    } catch (error) {
      if (error instanceof BucketConfigError) throw invalid(FIELD[error.field], error.message);
      throw error;
    }
  }

  function configFromRow(row: HostingRow, keys: { accessKeyId: string; secretAccessKey: string }): BucketConfig {
    return { endpoint: row.endpoint, region: row.region, bucket: row.bucket, prefix: row.prefix, forcePathStyle: row.path_style === 1, ...keys };
  }

  /** The bucket as saved, opened once per saved version; null when none is set up. */
  async function host(): Promise<MediaHost | null> {
    const row = repo.get();
    if (!row) return null;
    if (cached && cached.version === row.updated_at) return cached.host;
    const { accessKeyId, secretAccessKey } = await storedKeys();
    if (!accessKeyId || !secretAccessKey) throw new Error('The media hosting keys are missing from the keychain: enter them again in Settings -> Media hosting');
    dropHost();
    cached = { version: row.updated_at, host: openHost(configFromRow(row, { accessKeyId, secretAccessKey })) };
    return cached.host;
  }

  async function status(): Promise<HostingStatus> {
    const row = repo.get();
    let keys = { accessKeyId: false, secret: false };
    let error: string | null = null;
    try {
      const stored = await storedKeys();
      keys = { accessKeyId: stored.accessKeyId !== null, secret: stored.secretAccessKey !== null };
    } catch (e) {
      error = message(e);
    }
    return {
      configured: row !== undefined,
      endpoint: row?.endpoint ?? '',
      region: row?.region ?? '',
      bucket: row?.bucket ?? '',
      prefix: row?.prefix ?? 'outbox/',
      pathStyle: row?.path_style === 1,
      accessKeyIdSet: keys.accessKeyId,
      secretSet: keys.secret,
      lastSweep: row?.last_sweep_at != null ? { at: new Date(row.last_sweep_at).toISOString(), removed: row.last_sweep_removed ?? 0, error: row.last_sweep_error } : null,
      error,
    };
  }

  async function update(input: HostingInput): Promise<HostingStatus> {
    const config = await configOf(input);
    // Keys first (the row is what says "set up"); a keychain failure puts the old keys back.
    let before: { accessKeyId: string | null; secretAccessKey: string | null };
    try {
      before = await storedKeys();
      if (config.accessKeyId !== before.accessKeyId) await deps.secrets.set(HOSTING_KEY_ID, config.accessKeyId);
      if (config.secretAccessKey !== before.secretAccessKey) await deps.secrets.set(HOSTING_SECRET, config.secretAccessKey);
    } catch (error) {
      await restore(before!);
      throw new AppError('internal', `The keys could not be saved in the keychain: ${message(error)}`);
    }
    // A save in the same millisecond still counts as a new version of the bucket.
    const now = Math.max(deps.clock.now(), (repo.get()?.updated_at ?? 0) + 1);
    repo.save({ endpoint: config.endpoint, region: config.region, bucket: config.bucket, prefix: config.prefix, pathStyle: config.forcePathStyle }, now);
    dropHost();
    deps.onChange();
    // A new bucket may hold leftovers of an earlier setup under the same prefix.
    void sweep();
    arm();
    return status();
  }

  async function restore(before: { accessKeyId: string | null; secretAccessKey: string | null } | undefined) {
    if (!before) return;
    try {
      if (before.accessKeyId === null) await deps.secrets.delete(HOSTING_KEY_ID);
      else await deps.secrets.set(HOSTING_KEY_ID, before.accessKeyId);
      if (before.secretAccessKey === null) await deps.secrets.delete(HOSTING_SECRET);
      else await deps.secrets.set(HOSTING_SECRET, before.secretAccessKey);
    } catch (error) {
      deps.log('could not put the previous media hosting keys back', error);
    }
  }

  async function test(input: HostingInput | undefined): Promise<HostingTestResult> {
    let config: BucketConfig;
    if (input) config = await configOf(input);
    else {
      const row = repo.get();
      if (!row) throw invalid('bucket', 'no bucket is set up yet: fill in the form first');
      const { accessKeyId, secretAccessKey } = await storedKeys();
      if (!accessKeyId || !secretAccessKey) throw invalid('accessKeyId', 'the keys are missing from the keychain: enter them again');
      config = configFromRow(row, { accessKeyId, secretAccessKey });
    }
    const probe = openHost(config);
    try {
      return await probe.test();
    } finally {
      probe.close();
    }
  }

  async function clear(): Promise<HostingStatus> {
    try {
      await deps.secrets.delete(HOSTING_KEY_ID);
      await deps.secrets.delete(HOSTING_SECRET);
    } catch (error) {
      throw new AppError('internal', `The keys could not be removed from the keychain: ${message(error)}`);
    }
    repo.clear();
    dropHost();
    arm();
    deps.onChange();
    return status();
  }

  /** Deletes objects older than a day under the prefix (a crash between share and remove leaves them); records the outcome. */
  function sweep(): Promise<void> {
    if (closed || !repo.get()) return Promise.resolve();
    if (sweeping) {
      // Asked while one runs (the bucket just changed): one more round after it.
      sweepAgain = true;
      return sweeping;
    }
    sweeping = (async () => {
      try {
        const bucket = await host();
        if (!bucket) return;
        const removed = await bucket.sweep({ olderThanMs: DAY_MS });
        if (!closed) repo.recordSweep(deps.clock.now(), removed.length, null);
      } catch (error) {
        deps.log('the sweep of the media hosting bucket failed', error);
        if (!closed) {
          try {
            repo.recordSweep(deps.clock.now(), 0, message(error));
          } catch (recordError) {
            deps.log('could not record the media hosting sweep', recordError);
          }
        }
      } finally {
        sweeping = null;
      }
      if (sweepAgain && !closed) {
        sweepAgain = false;
        await sweep();
      }
    })();
    return sweeping;
  }

  /** The daily sweep's timer, armed only while a bucket is set up (no bucket: nothing to wake for). */
  function arm() {
    timer?.cancel();
    timer = null;
    if (closed || !repo.get()) return;
    timer = deps.clock.setTimeout(() => {
      // Re-armed first: a sweep that throws must not stop the next one.
      arm();
      void sweep();
    }, DAY_MS);
  }

  return {
    status,
    update,
    test,
    clear,
    /** True once a bucket and its keys are saved (validation: "Instagram needs media hosting"). */
    configured: (): boolean => repo.get() !== undefined,
    /**
     * The publish context's public links; null only when no bucket is set up. A bucket set up but
     * unusable (its keys gone from the keychain) gives links whose calls fail saying why, so the
     * adapter reports that rather than "set up media hosting".
     */
    async publicLinks(): Promise<PublicLinks | null> {
      let bucket: MediaHost | null;
      try {
        bucket = await host();
      } catch (error) {
        const fail = async (): Promise<never> => {
          throw error instanceof Error ? error : new Error(String(error));
        };
        return { share: fail, presign: fail, remove: fail };
      }
      return bucket ? publicLinksOf(bucket) : null;
    },
    /** Runs the sweep now (tests) and resolves when it is done. */
    sweep,
    /** Sweeps once at start, then daily (while a bucket is set up). */
    start() {
      void sweep();
      arm();
    },
    async close() {
      closed = true;
      timer?.cancel();
      // Closing the client ends a sweep's requests at once; its outcome is not recorded.
      dropHost();
      await sweeping;
    },
  };
}

/** The media hosting service. */
export type HostingService = ReturnType<typeof createHostingService>;
