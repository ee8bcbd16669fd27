import type { Channel, InputOf, OutputOf } from '../../shared/ipc/contract';

/** What answers one channel: its parsed payload in, its answer out (or an AppError thrown). */
export type Handler<C extends Channel> = (input: InputOf<C>) => OutputOf<C> | Promise<OutputOf<C>>;

/** Handlers for every channel of the contract; createCore checks that none is missing. */
export type Handlers = { [C in Channel]: Handler<C> };

/** Handlers for the channels of one domain, e.g. `DomainHandlers<'settings'>`. */
export type DomainHandlers<D extends string> = { [C in Extract<Channel, `${D}:${string}`>]: Handler<C> };
