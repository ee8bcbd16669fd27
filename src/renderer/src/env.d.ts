import type { OutboxApi } from '../../shared/ipc/contract';

declare global {
  interface Window {
    /** The engine, as the preload (or the browser harness) exposes it. */
    outbox: OutboxApi;
  }
}

export {};
