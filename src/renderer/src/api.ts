import type { OutboxShellApi } from '../../shared/ipc/shell';

// The one module that reaches the preload's globals. Stores use it; views and components go
// through the stores (test/renderer/boundaries.test.ts holds every file to that).

/** The engine, reached only through the preload's named functions. */
export const outbox = () => window.outbox;

/** The desktop shell's own API, or null in a browser (the harness). */
export const shell = (): OutboxShellApi | null => window.outboxShell ?? null;
