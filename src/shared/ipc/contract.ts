import type { z } from 'zod';
import type { Result } from '../result';
import { accountsChannels } from './accounts';
import { apiChannels } from './api';
import { appChannels } from './app';
import { backupsChannels } from './backups';
import type { ChannelDef } from './define';
import type { EventMap, EventName } from './events';
import { hostingChannels } from './hosting';
import { labelsChannels } from './labels';
import { mediaChannels } from './media';
import { postsChannels } from './posts';
import { recoveryChannels } from './recovery';
import { settingsChannels } from './settings';
import { webhooksChannels } from './webhooks';
import { transferChannels } from './transfer';

/**
 * The whole contract: every channel the engine answers. Each domain keeps its channels in
 * its own file; this is the one place they are joined.
 */
export const contract = {
  ...appChannels,
  ...settingsChannels,
  ...postsChannels,
  ...labelsChannels,
  ...mediaChannels,
  ...hostingChannels,
  ...accountsChannels,
  ...apiChannels,
  ...webhooksChannels,
  ...backupsChannels,
  ...recoveryChannels,
  ...transferChannels,
};

/** The contract's shape. */
export type Contract = typeof contract;
/** A channel name, `domain:verb`. */
export type Channel = keyof Contract;
/** What a channel's payload looks like before parsing (what callers send). */
export type PayloadOf<C extends Channel> = z.input<Contract[C]['input']>;
/** A channel's payload after parsing (what handlers receive). */
export type InputOf<C extends Channel> = z.output<Contract[C]['input']>;
/** What a channel answers with on success. */
export type OutputOf<C extends Channel> = Contract[C] extends ChannelDef<z.ZodType, infer O> ? O : never;

/** Every channel name. */
export const CHANNELS = Object.keys(contract) as Channel[];

/** True for a string that names a contract channel. */
export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}

type DomainOf<C extends string> = C extends `${infer D}:${string}` ? D : never;
type VerbOf<C extends string, D extends string> = C extends `${D}:${infer V}` ? V : never;
/** A contract domain (`posts`, `settings`, ...). */
export type Domain = DomainOf<Channel>;

/** The whole API as the renderer sees it: `outbox.settings.get()`, `outbox.on('posts:changed', cb)`. */
export type OutboxApi = {
  [D in Domain]: {
    [V in VerbOf<Channel, D>]: `${D}:${V}` extends infer C extends Channel
      ? undefined extends PayloadOf<C>
        ? (payload?: PayloadOf<C>) => Promise<Result<OutputOf<C>>>
        : (payload: PayloadOf<C>) => Promise<Result<OutputOf<C>>>
      : never;
  };
} & {
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
};

/** How a transport sends one call; the preload and the harness bridge each give one. */
export type InvokeTransport = (channel: Channel, payload: unknown) => Promise<unknown>;
/** How a transport subscribes to events. */
export type SubscribeTransport = (event: EventName, listener: (payload: unknown) => void) => () => void;

/** Builds the named-function API from the contract over any transport. */
export function createOutboxApi(invoke: InvokeTransport, subscribe: SubscribeTransport): OutboxApi {
  const api: Record<string, Record<string, (payload?: unknown) => Promise<unknown>>> = {};
  for (const name of CHANNELS) {
    const [domain, verb] = name.split(':') as [string, string];
    api[domain] ??= {};
    api[domain][verb] = (payload?: unknown) => invoke(name, payload);
  }
  const on = (event: EventName, listener: (payload: unknown) => void) => subscribe(event, listener);
  // The mapped type cannot be built key by key; the loop above covers every channel.
  return Object.freeze({ ...api, on }) as unknown as OutboxApi;
}
