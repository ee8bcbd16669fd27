// Media library hygiene: ten minutes after start and then daily, the library sweep removes items
// no post or draft has named for 30 days (media service `staleUnused` + `removeUnused`). Media the
// kept backups need stay: the backups service lists them (`mediaKeptByBackups`); when that list
// cannot be read the sweep removes nothing that round, since a restore must never bring back
// posts whose files are gone.
import type { Clock, TimerHandle } from '../ports/ports';
import type { KeptMedia, MediaService } from './media.service';

const DAY_MS = 24 * 60 * 60 * 1000;
/** The first round waits this long after start: reading every post's media is not start-up work. */
const FIRST_ROUND_MS = 10 * 60 * 1000;

/** What the library sweep's scheduling needs. */
export interface MediaHygieneDeps {
  media: Pick<MediaService, 'staleUnused' | 'removeUnused'>;
  clock: Clock;
  log(message: string, error?: unknown): void;
  /** Media referenced by the kept backups (the backups service's `mediaReferencedByKeptBackups`); absent: none kept. */
  mediaKeptByBackups?: () => KeptMedia | Promise<KeptMedia>;
}

/** Runs the library sweep at start and daily; every round catches, reports and re-arms. */
export function createMediaHygiene(deps: MediaHygieneDeps) {
  let timer: TimerHandle | null = null;
  // Removals run one round after another; each round's stamps are taken at its own moment.
  let chain: Promise<unknown> = Promise.resolve();
  let closed = false;

  async function remove(stale: Awaited<ReturnType<MediaService['staleUnused']>>): Promise<string[]> {
    let keep: KeptMedia | undefined;
    try {
      keep = deps.mediaKeptByBackups ? await deps.mediaKeptByBackups() : undefined;
    } catch (error) {
      deps.log('the media sweep skipped this round: the media of the kept backups could not be listed', error);
      return [];
    }
    if (closed) return [];
    return (await deps.media.removeUnused(stale, { keep })).removed;
  }

  /** One sweep now; resolves with the removed ids ([] when it failed: it was reported). */
  function run(): Promise<string[]> {
    if (closed) return Promise.resolve([]);
    let stale: ReturnType<MediaService['staleUnused']>;
    try {
      stale = deps.media.staleUnused();
    } catch (error) {
      deps.log('the media library sweep failed', error);
      return Promise.resolve([]);
    }
    const job = chain.then(() => remove(stale)).catch((error: unknown) => {
      deps.log('the media library sweep failed', error);
      return [] as string[];
    });
    chain = job;
    return job;
  }

  function arm(ms = DAY_MS) {
    if (closed) return;
    timer = deps.clock.setTimeout(() => {
      // Re-armed first: a round that throws must not stop the next one.
      arm();
      void run();
    }, ms);
  }

  return {
    run,
    /** Ten minutes after start, then daily. */
    start() {
      arm(FIRST_ROUND_MS);
    },
    async close() {
      closed = true;
      timer?.cancel();
      await chain;
    },
  };
}
