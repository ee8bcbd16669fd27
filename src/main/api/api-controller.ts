import type { Core } from '../core/create-core';
import { createApiRuntime, type ApiRuntime } from '../core/api-settings/api-runtime';
import { listenApiServer, type ApiServerOptions, type RunningApiServer } from './server';

/** What `startApiServer` needs: the server's options plus the engine's event stream. */
export interface ApiControllerOptions extends ApiServerOptions {
  core: Pick<Core, 'invoke' | 'on'>;
  /** The cell `api:status` reads; pass the one given to `createCore({ apiRuntime })`. */
  runtime?: ApiRuntime;
}

/** The API server following the settings: started, stopped and moved as they change. */
export interface ApiController {
  /** Where it listens now, or null. */
  url(): string | null;
  /** Resolves once the server matches the current settings (after a change). */
  settled(): Promise<void>;
  /** Stops following the settings and closes the server. */
  close(): Promise<void>;
}

function describeListenError(error: unknown, port: number): string {
  const code = (error as { code?: string } | null)?.code;
  if (code === 'EADDRINUSE') return `Port ${port} is already in use by another program; choose another port`;
  if (code === 'EACCES') return `Outbox may not listen on port ${port}; choose another port`;
  return `Could not listen on port ${port}: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * Runs the local automation API while `apiEnabled` is on, on `apiPort`, and follows
 * `settings:changed`: turning it off closes it, a new port moves it. The state goes to `runtime`
 * for `api:status`. Call once from the composition root after `createCore`.
 */
export async function startApiServer(options: ApiControllerOptions): Promise<ApiController> {
  const runtime = options.runtime ?? createApiRuntime();
  let running: RunningApiServer | null = null;
  let closed = false;
  // Changes are applied one at a time, in order.
  let queue: Promise<void> = Promise.resolve();

  async function reconcile() {
    let want: number | null = null;
    if (!closed) {
      const settings = await options.core.invoke('settings:get');
      // Unreadable settings (the engine is closing): leave things as they are.
      if (!settings.ok) return;
      want = settings.value.apiEnabled ? settings.value.apiPort : null;
    }
    if (running && running.port === want) return;
    if (running) {
      await running.close();
      running = null;
    }
    if (want === null) {
      runtime.set({ running: false, port: null, error: null });
      return;
    }
    try {
      running = await listenApiServer({ ...options, port: want });
      runtime.set({ running: true, port: running.port, error: null });
    } catch (error) {
      runtime.set({ running: false, port: null, error: describeListenError(error, want) });
      (options.log ?? ((m, e) => console.error(`[outbox api] ${m}`, e)))(`cannot listen on ${want}`, error);
    }
  }

  const schedule = () => {
    queue = queue.then(reconcile, reconcile);
    return queue;
  };
  const unsubscribe = options.core.on('settings:changed', ({ keys }) => {
    if (keys.includes('apiEnabled') || keys.includes('apiPort')) void schedule();
  });
  await schedule();

  return {
    url: () => running?.url ?? null,
    settled: () => queue,
    async close() {
      closed = true;
      unsubscribe();
      await schedule();
    },
  };
}
