import { shellChannels, type ShellPrefs } from '../../shared/ipc/shell';
import { AppError } from '../core/errors';
import { createChannelInvoke, type IpcGate } from './ipc';
import type { ShellPrefsService } from './prefs';

/**
 * The shell's own channels (`window.outboxShell`), registered through the same gate as the
 * engine's: sender check, zod parse against `shellChannels`, a Result. `apply` makes a change
 * real (theme, login item); if it throws, the change is undone and reported.
 */
export function registerShellIpc(
  gate: IpcGate,
  prefs: ShellPrefsService,
  options: { apply(prefs: ShellPrefs, changed: Array<keyof ShellPrefs>): void; log?(message: string, error?: unknown): void },
) {
  const invoke = createChannelInvoke(
    shellChannels,
    {
      'shell:getPrefs': () => prefs.get(),
      'shell:setPrefs': (patch) => {
        const before = prefs.get();
        const { prefs: after, changed } = prefs.update(patch);
        if (changed.length === 0) return after;
        try {
          options.apply(after, changed);
        } catch (error) {
          prefs.update(before);
          options.log?.('could not apply shell preferences', error);
          throw new AppError('internal', `Could not change ${changed.join(', ')}: ${error instanceof Error ? error.message : String(error)}`);
        }
        return after;
      },
    },
    options.log,
  );
  return gate.register(Object.keys(shellChannels), invoke);
}
