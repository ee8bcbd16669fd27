// Media library hygiene: once at start and then daily, the library sweep removes items no post
// or draft has named for 30 days (media-service `sweepUnused`). Media the kept backups need stay:
// the backups service lists them (`mediaKeptByBackups`); when that list cannot be read the sweep
// removes nothing that round, since a restore must never bring back posts whose files are gone.
import type { Clock, TimerHandle } from '../ports/ports';
import type { KeptMedia, MediaService } from './media.service';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What the library sweep's scheduling needs. */
export interface MediaHygieneDeps {
  media: Pick<MediaService, 'sweepUnused'>;
  clock: Clock;
  log(message: string, error?: unknown): void;
  /** Media referenced by the kept backups (the backups service's `mediaReferencedByKeptBackups`); absent: none kept. */
  mediaKeptByBackups?: () => KeptMedia | Promise<KeptMedia>;
}

/** Runs the library sweep at start and daily; every round catches, reports and re-arms. */
export function createMediaHygiene(deps: MediaHygieneDeps) {
  let timer: TimerHandle | null = null;
  let running: Promise<string[]> | null = null;
  let closed = false;

  async function round(): Promise<string[]> {
    let keep: KeptMedia | undefined;
    try {
      keep = deps.mediaKeptByBackups ? await deps.mediaKeptByBackups() : undefined;
    } catch (error) {
      deps.log('the media sweep skipped this round: the media of the kept backups could not be listed', error);
      return [];
    }
    if (closed) return [];
    const { removed } = await deps.media.sweepUnused({ keep });
    return removed;
  }

  /** One sweep now (tests); resolves with the removed ids ([] when it failed: it was reported). */
  function run(): Promise<string[]> {
    if (closed) return Promise.resolve([]);
    running ??= round()
      .catch((error: unknown) => {
        deps.log('the media library sweep failed', error);
        return [] as string[];
      })
      .finally(() => (running = null));
    return running;
  }

  function arm() {
    if (closed) return;
    timer = deps.clock.setTimeout(() => {
      arm();
      void run();
    }, DAY_MS);
  }

  return {
    run,
    start() {
      void run();
      arm();
    },
    async close() {
      closed = true;
      timer?.cancel();
      await running;
    },
  };
}
