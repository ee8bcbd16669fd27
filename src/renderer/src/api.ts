import type { OutboxShellApi } from '../../shared/ipc/shell';

// The one module that reaches the preload's globals. Stores use it; views and components go
// through the stores (test/renderer/boundaries.test.ts holds every file to that).

/** The engine, reached only through the preload's named functions. */
export const outbox = () => window.outbox;

/** The desktop shell's own API, or null in a browser (the harness). */
export const shell = (): OutboxShellApi | null => window.outboxShell ?? null;

/**
 * The disk path of a picked or dropped file, so the engine imports it by path (streamed) instead
 * of its bytes crossing IPC; null where the page cannot know paths (a browser: the harness).
 */
export const pathOfFile = (file: File): string | null => window.outboxShell?.pathForFile(file) || null;

/**
 * An address the page can play or draw a library file from (<video>, <img>, canvas): the shell's
 * `outbox-media:` protocol in Electron, the harness's own route in a browser; null if neither.
 */
export const libraryUrl = (sha256: string): string | null => window.outboxShell?.mediaUrl?.(sha256) ?? window.outboxLibrary?.url(sha256) ?? null;
