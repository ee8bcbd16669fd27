import type { z } from 'zod';
import { CHANNELS } from '../../shared/ipc/contract';
import type { ChannelDef } from '../../shared/ipc/define';
import { EVENT_NAMES } from '../../shared/ipc/events';
import { IPC_EVENT_CHANNEL } from '../../shared/ipc/transport';
import { fail, ok, type Result } from '../../shared/result';
import type { Core } from '../core/create-core';
import { AppError } from '../core/errors';
import { describeIssues, zodIssues } from '../core/invoke';

/** The part of Electron's `ipcMain` the gate uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, payload: unknown) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/** The part of an IPC event the gate reads: the frame that sent it. */
export interface IpcEventLike {
  senderFrame: { url: string } | null;
}

/** Where engine events are pushed (the main window's webContents). */
export interface EventSink {
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
}

/** Runs one channel: the raw payload in, a Result out, never a throw (core.invoke is one). */
export type GateInvoke = (channel: string, payload: unknown) => Promise<Result<unknown>>;

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

/** The one way a channel reaches ipcMain. */
export interface IpcGate {
  /** Registers channels answered by `invoke`; the returned function removes them again. */
  register(channels: readonly string[], invoke: GateInvoke): () => void;
  /** Resolves once no call from the page is being answered (Quit lets the page's last writes land). */
  idle(): Promise<void>;
}

/**
 * The IPC gate every channel goes through, the engine's and the shell's alike: it refuses any
 * frame but the app's page, hands the payload to the channel's invoke (which parses it with zod
 * and answers a Result), turns anything thrown into an `internal` Result, and counts the calls
 * in flight for `idle()`.
 */
export function createIpcGate(ipcMain: IpcMainLike, options: { appUrl: () => string; log?(message: string, error?: unknown): void }): IpcGate {
  const pending = new Set<Promise<unknown>>();
  return {
    register(channels, invoke) {
      for (const channel of channels) {
        ipcMain.handle(channel, async (event, payload): Promise<Result<unknown>> => {
          const url = event.senderFrame?.url ?? '';
          if (!isAppPage(url, options.appUrl())) {
            return fail('unauthorized', `Refused ${channel} from a page that is not Outbox (${url.slice(0, 120) || 'unknown sender'})`);
          }
          const answer = (async () => invoke(channel, payload))().catch((error: unknown) => {
            options.log?.(`${channel} failed`, error);
            return fail('internal', error instanceof Error ? error.message : String(error));
          });
          pending.add(answer);
          void answer.finally(() => pending.delete(answer));
          return answer;
        });
      }
      return () => {
        for (const channel of channels) ipcMain.removeHandler(channel);
      };
    },
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}

/** Handlers for a contract of channel definitions: the parsed payload in, the answer out (or an AppError thrown). */
export type ChannelHandlers<C extends Record<string, ChannelDef>> = {
  [K in keyof C]: (input: z.output<C[K]['input']>) => (C[K] extends ChannelDef<z.ZodType, infer O> ? O : never) | Promise<C[K] extends ChannelDef<z.ZodType, infer O> ? O : never>;
};

/**
 * An invoke for a contract that is not the engine's (the shell's): the same rules as
 * core.invoke — an unknown channel or a refused payload answers `validation` before any
 * handler runs, an AppError keeps its code, anything else thrown is `internal`.
 */
export function createChannelInvoke<C extends Record<string, ChannelDef>>(contract: C, handlers: ChannelHandlers<C>, log?: (message: string, error: unknown) => void): GateInvoke {
  return async (channel, payload) => {
    if (!Object.prototype.hasOwnProperty.call(contract, channel)) {
      return fail('validation', `Unknown channel: ${channel.slice(0, 80)}`, [{ path: 'channel', message: `unknown channel ${channel.slice(0, 80)}` }]);
    }
    const parsed = contract[channel]!.input.safeParse(payload);
    if (!parsed.success) {
      const issues = zodIssues(parsed.error);
      return fail('validation', describeIssues(issues), issues);
    }
    try {
      return ok(await (handlers[channel] as (input: unknown) => unknown)(parsed.data));
    } catch (error) {
      if (error instanceof AppError) return fail(error.code, error.message, error.issues);
      log?.(`${channel} failed`, error);
      return fail('internal', `Something went wrong in ${channel}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}

/**
 * Registers every contract channel through the gate, answered by `core.invoke`, and forwards
 * engine events to the window on one channel. Returns a function that removes both, with
 * `idle()` (the gate's).
 */
export function registerIpc(gate: IpcGate, core: Pick<Core, 'invoke' | 'on'>, options: { sinks: () => EventSink[] }) {
  const offChannels = gate.register(CHANNELS, (channel, payload) => core.invoke(channel as never, payload as never) as Promise<Result<unknown>>);
  const unsubscribe = EVENT_NAMES.map((name) =>
    core.on(name, (payload) => {
      for (const sink of options.sinks()) if (!sink.isDestroyed()) sink.send(IPC_EVENT_CHANNEL, name, payload);
    }),
  );
  const off = () => {
    offChannels();
    for (const unsubscribeOne of unsubscribe) unsubscribeOne();
  };
  return Object.assign(off, { idle: gate.idle });
}
