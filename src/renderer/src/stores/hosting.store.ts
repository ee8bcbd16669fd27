import type { HostingInput } from '../../../shared/ipc/hosting';
import { outbox } from '../api';

/**
 * What the Media hosting section of Settings asks the engine. The form keeps its own state (the
 * keys typed are sent once and never kept, nor ever answered back).
 */
export const hostingSettings = {
  status: () => outbox().hosting.get(),
  save: (input: HostingInput) => outbox().hosting.update(input),
  /** Tests the form's values (empty keys: the stored ones), or the saved bucket without them. */
  test: (input?: HostingInput) => outbox().hosting.test(input),
  clear: () => outbox().hosting.clear(),
  /** Calls `listener` when the hosting setup changes (saved or removed elsewhere). */
  onChanged: (listener: () => void) => outbox().on('settings:changed', ({ keys }) => keys.includes('mediaHosting') && listener()),
};
