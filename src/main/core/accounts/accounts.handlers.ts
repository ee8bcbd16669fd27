import type { DomainHandlers } from '../handlers';
import type { AccountsService } from './accounts.service';

/** `accounts:*` channels. */
export function createAccountsHandlers(accounts: AccountsService): DomainHandlers<'accounts'> {
  return {
    'accounts:list': () => accounts.list(),
    'accounts:connect': (input) => accounts.connect(input),
    'accounts:choose': ({ pendingId, optionId }) => accounts.choose(pendingId, optionId),
    'accounts:setActive': ({ id, active }) => accounts.setActive(id, active),
    'accounts:setHandOff': ({ id, handOff }) => accounts.setHandOff(id, handOff),
    'accounts:disconnect': ({ id }) => accounts.disconnect(id),
    'accounts:check': (input) => accounts.check(input?.id),
    'accounts:setAppCredentials': ({ platform, clientId, clientSecret }) => accounts.setAppCredentials(platform, clientId, clientSecret),
    'accounts:appCredentials': () => accounts.appCredentials(),
    'accounts:lookup': async ({ id, name, input }) => ({ value: await accounts.lookup(id, name, input) }),
  };
}
