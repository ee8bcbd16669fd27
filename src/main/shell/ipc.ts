import { CHANNELS, type Channel } from '../../shared/ipc/contract';
import { EVENT_NAMES } from '../../shared/ipc/events';
import { IPC_EVENT_CHANNEL } from '../../shared/ipc/transport';
import { fail, type Result } from '../../shared/result';
import type { Core } from '../core/create-core';

/** The part of Electron's `ipcMain` the wrapper uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, payload: unknown) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/** The part of an IPC event the wrapper reads: the frame that sent it. */
export interface IpcEventLike {
  senderFrame: { url: string } | null;
}

/** Where engine events are pushed (the main window's webContents). */
export interface EventSink {
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
}

/**
 * True when a frame URL is the app's own page: the packaged `file://` renderer or, in
 * development, the electron-vite dev server's origin.
 */
export function isAppPage(frameUrl: string, appUrl: string): boolean {
  try {
    const frame = new URL(frameUrl);
    const app = new URL(appUrl);
    if (app.protocol === 'file:') return frame.protocol === 'file:' && frame.pathname === app.pathname;
    return frame.origin === app.origin;
  } catch {
    return false;
  }
}

/**
 * Registers every contract channel on ipcMain through one wrapper: it refuses messages from
 * any frame but the app's page, then hands the payload to `core.invoke`, which parses it.
 * Returns a function that removes the handlers and event forwarding, with `idle()`: resolves
 * once no call from the page is being answered (Quit waits for the page's last writes).
 */
export function registerIpc(ipcMain: IpcMainLike, core: Pick<Core, 'invoke' | 'on'>, options: { appUrl: () => string; sinks: () => EventSink[] }) {
  const pending = new Set<Promise<unknown>>();
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, async (event, payload): Promise<Result<unknown>> => {
      const url = event.senderFrame?.url ?? '';
      if (!isAppPage(url, options.appUrl())) {
        return fail('unauthorized', `Refused ${channel} from a page that is not Outbox (${url.slice(0, 120) || 'unknown sender'})`);
      }
      const answer = core.invoke(channel as Channel, payload as never);
      pending.add(answer);
      void answer.finally(() => pending.delete(answer));
      return answer;
    });
  }
  const unsubscribe = EVENT_NAMES.map((name) =>
    core.on(name, (payload) => {
      for (const sink of options.sinks()) if (!sink.isDestroyed()) sink.send(IPC_EVENT_CHANNEL, name, payload);
    }),
  );
  const off = () => {
    for (const channel of CHANNELS) ipcMain.removeHandler(channel);
    for (const unsubscribeOne of unsubscribe) unsubscribeOne();
  };
  const idle = async () => {
    while (pending.size > 0) await Promise.allSettled([...pending]);
  };
  return Object.assign(off, { idle });
}
