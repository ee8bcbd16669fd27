/// <reference types="vite/client" />
import type { OutboxApi } from '../../shared/ipc/contract';
import type { OutboxShellApi } from '../../shared/ipc/shell';

declare global {
  interface Window {
    /** The engine, as the preload (or the browser harness) exposes it. */
    outbox: OutboxApi;
    /** The desktop shell's own API: present only in Electron. */
    outboxShell?: OutboxShellApi;
    /** The browser harness's stand-in for the shell's media protocol (absent in Electron). */
    outboxLibrary?: { url(sha256: string): string };
  }
}

export {};
