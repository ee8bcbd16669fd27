// Runs in the page served by the harness, before the app: it gives the page the same
// `window.outbox` the preload gives it in Electron, carried over a WebSocket.
import { createOutboxApi } from '../../src/shared/ipc/contract';
import type { EventName } from '../../src/shared/ipc/events';
import { HARNESS_LIBRARY_PATH, HARNESS_WS_PATH, type HarnessMessage } from './protocol';

const pending = new Map<number, (result: unknown) => void>();
const listeners = new Map<string, Set<(payload: unknown) => void>>();
let nextId = 1;
let socket: WebSocket;
let ready: Promise<void>;

/** This run's secret: in the page URL the harness printed, kept for reloads of this tab. */
function runKey(): string {
  const fromUrl = new URLSearchParams(location.search).get('key');
  if (fromUrl) sessionStorage.setItem('outbox-harness-key', fromUrl);
  return fromUrl ?? sessionStorage.getItem('outbox-harness-key') ?? '';
}

function connect() {
  socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${HARNESS_WS_PATH}?key=${encodeURIComponent(runKey())}`);
  ready = new Promise((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error('The harness is not reachable, or this page was not opened from the URL it printed (with ?key=)')), { once: true });
  });
  socket.addEventListener('message', (message) => {
    const data = JSON.parse(String(message.data)) as HarnessMessage;
    if ('id' in data) {
      pending.get(data.id)?.(data.result);
      pending.delete(data.id);
    } else {
      for (const listener of listeners.get(data.event) ?? []) listener(data.payload);
    }
  });
  socket.addEventListener('close', () => {
    for (const resolve of pending.values()) resolve({ ok: false, error: { code: 'offline', message: 'The harness connection closed' } });
    pending.clear();
  });
}
connect();

async function invoke(channel: string, payload: unknown): Promise<unknown> {
  await ready;
  const id = nextId++;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    socket.send(JSON.stringify({ id, channel, payload }));
  });
}

function subscribe(event: EventName, listener: (payload: unknown) => void) {
  let set = listeners.get(event);
  if (!set) listeners.set(event, (set = new Set()));
  set.add(listener);
  return () => void set.delete(listener);
}

Object.defineProperty(window, 'outbox', { value: createOutboxApi(invoke, subscribe), writable: false, configurable: false });
// Library files for <video> and covers: the harness serves them as the shell's protocol does.
Object.defineProperty(window, 'outboxLibrary', { value: Object.freeze({ url: (sha256: string) => `${HARNESS_LIBRARY_PATH}${sha256}?key=${encodeURIComponent(runKey())}` }), writable: false, configurable: false });
