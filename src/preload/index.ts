import { contextBridge, ipcRenderer } from 'electron';
import { createOutboxApi } from '../shared/ipc/contract';
import { EVENT_NAMES, type EventName } from '../shared/ipc/events';
import { IPC_EVENT_CHANNEL } from '../shared/ipc/transport';

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
