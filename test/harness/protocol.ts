/** A call from the page: `{ id, channel, payload }`. */
export interface HarnessCall {
  id: number;
  channel: string;
  payload: unknown;
}

/** Messages from the harness to the page: an answer to a call, or a pushed engine event. */
export type HarnessMessage = { id: number; result: unknown } | { event: string; payload: unknown };

/** Where the page opens its WebSocket. */
export const HARNESS_WS_PATH = '/__harness/ws';
/** Where the page loads the bridge script. */
export const HARNESS_BRIDGE_PATH = '/__harness/bridge.js';
/** Where the page loads library files (`<sha256>?key=`), as Electron's outbox-media: protocol serves them. */
export const HARNESS_LIBRARY_PATH = '/__harness/library/';
