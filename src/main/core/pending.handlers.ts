import type { Channel } from '../../shared/ipc/contract';
import { AppError } from './errors';
import type { Handlers } from './handlers';

// SCAFFOLD, to be emptied during the current session: channels whose domain is being built
// in parallel answer `internal` "not built yet" until their real handlers are wired in
// createCore. Remove a channel from this list in the same change that wires its handler.
// Nothing may remain here when work lands on main.
const NOT_YET_BUILT = [
  'posts:publish',
  'accounts:list',
  'accounts:connect',
  'accounts:choose',
  'accounts:setActive',
  'accounts:disconnect',
  'accounts:check',
  'accounts:setAppCredentials',
  'accounts:appCredentials',
] as const satisfies readonly Channel[];

type Pending = (typeof NOT_YET_BUILT)[number];

/** Handlers for the channels not built yet. */
export function createPendingHandlers(): Pick<Handlers, Pending> {
  const out = {} as Record<Pending, () => never>;
  for (const channel of NOT_YET_BUILT) {
    out[channel] = () => {
      throw new AppError('internal', `${channel} is not built yet`);
    };
  }
  return out as unknown as Pick<Handlers, Pending>;
}
