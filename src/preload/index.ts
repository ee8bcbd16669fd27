import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createOutboxApi } from '../shared/ipc/contract';
import { EVENT_NAMES, type EventName } from '../shared/ipc/events';
import { libraryMediaUrl, openTargetSchema, SHELL_CHANNELS, type OpenTarget, type OutboxShellApi, type ShellPrefs, type ShellPrefsPatch } from '../shared/ipc/shell';
import { IPC_EVENT_CHANNEL } from '../shared/ipc/transport';
import type { Result } from '../shared/result';

// Named functions only: the page never receives ipcRenderer itself.
const api = createOutboxApi(
  (channel, payload) => ipcRenderer.invoke(channel, payload),
  (event: EventName, listener) => {
    if (!EVENT_NAMES.includes(event)) throw new Error(`Unknown event ${String(event)}`);
    const handler = (_: unknown, name: EventName, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => void ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
  },
);

contextBridge.exposeInMainWorld('outbox', api);

async function unwrap<T>(answer: Promise<Result<T>>): Promise<T> {
  const result = await answer;
  if (result.ok) return result.value;
  throw Object.assign(new Error(result.error.message), { code: result.error.code, issues: result.error.issues });
}

// What the tray or a notification asked to open before the page subscribed (it is still
// loading when a click starts Outbox's window): delivered to the first listener.
let unclaimed: OpenTarget | null = null;
const openListeners = new Set<(target: OpenTarget) => void>();
ipcRenderer.on(SHELL_CHANNELS.open, (_event, target: unknown) => {
  const parsed = openTargetSchema.safeParse(target);
  if (!parsed.success) return;
  if (openListeners.size === 0) unclaimed = parsed.data;
  for (const listener of openListeners) listener(parsed.data);
});

const shellApi: OutboxShellApi = {
  getPrefs: () => unwrap<ShellPrefs>(ipcRenderer.invoke(SHELL_CHANNELS.getPrefs)),
  setPrefs: (patch: ShellPrefsPatch) => unwrap<ShellPrefs>(ipcRenderer.invoke(SHELL_CHANNELS.setPrefs, patch)),
  onOpen(listener) {
    openListeners.add(listener);
    if (unclaimed) {
      const target = unclaimed;
      unclaimed = null;
      listener(target);
    }
    return () => void openListeners.delete(listener);
  },
  pathForFile: (file) => webUtils.getPathForFile(file),
  mediaUrl: (sha256) => libraryMediaUrl(sha256),
};

contextBridge.exposeInMainWorld('outboxShell', Object.freeze(shellApi));
