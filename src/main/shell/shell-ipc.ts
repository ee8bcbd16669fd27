import { z } from 'zod';
import { SHELL_CHANNELS, shellPrefsPatchSchema, type ShellPrefs } from '../../shared/ipc/shell';
import { fail, ok, type Result } from '../../shared/result';
import { isAppPage, type IpcEventLike, type IpcMainLike } from './ipc';
import type { ShellPrefsService } from './prefs';

const noPayload = z.union([z.undefined(), z.strictObject({})]);

function validation(error: z.ZodError): Result<never> {
  const issues = error.issues.map((issue) => ({ path: issue.path.join('.') || '(payload)', message: issue.message }));
  return fail('validation', issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
}

/**
 * The shell's own channels (`window.outboxShell`), through the same guard as the engine's:
 * the sender must be the app's page and every payload is parsed with zod. `apply` makes a
 * change real (theme, login item); if it throws, the change is undone and reported.
 */
export function registerShellIpc(
  ipcMain: IpcMainLike,
  prefs: ShellPrefsService,
  options: { appUrl: () => string; apply(prefs: ShellPrefs, changed: Array<keyof ShellPrefs>): void; log?(message: string, error?: unknown): void },
) {
  const guard = (channel: string, handler: (payload: unknown) => Result<unknown>) =>
    ipcMain.handle(channel, async (event: IpcEventLike, payload: unknown) => {
      const url = event.senderFrame?.url ?? '';
      if (!isAppPage(url, options.appUrl())) return fail('unauthorized', `Refused ${channel} from a page that is not Outbox (${url.slice(0, 120) || 'unknown sender'})`);
      try {
        return handler(payload);
      } catch (error) {
        options.log?.(`${channel} failed`, error);
        return fail('internal', error instanceof Error ? error.message : String(error));
      }
    });

  guard(SHELL_CHANNELS.getPrefs, (payload) => {
    const parsed = noPayload.safeParse(payload);
    return parsed.success ? ok(prefs.get()) : validation(parsed.error);
  });

  guard(SHELL_CHANNELS.setPrefs, (payload) => {
    const parsed = shellPrefsPatchSchema.safeParse(payload);
    if (!parsed.success) return validation(parsed.error);
    const before = prefs.get();
    const { prefs: after, changed } = prefs.update(parsed.data);
    if (changed.length === 0) return ok(after);
    try {
      options.apply(after, changed);
    } catch (error) {
      prefs.update(before);
      options.log?.('could not apply shell preferences', error);
      return fail('internal', `Could not change ${changed.join(', ')}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return ok(after);
  });

  return () => {
    ipcMain.removeHandler(SHELL_CHANNELS.getPrefs);
    ipcMain.removeHandler(SHELL_CHANNELS.setPrefs);
  };
}
