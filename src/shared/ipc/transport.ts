/** The one Electron channel the main process pushes engine events on: `(eventName, payload)`. */
export const IPC_EVENT_CHANNEL = 'outbox:event';
