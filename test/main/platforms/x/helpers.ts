import type { Post } from '../../../../src/shared/domain';
import type { Core } from '../../../../src/main/core/create-core';
import { flushPromises, type ManualClock } from '../../../../src/main/core/ports/doubles';
import { OpenApiValidator, type Exchange } from '../../../support/openapi';
import type { PublishAccount, PublishContext, PublishPart } from '../../../../src/main/platforms/types';
import { memoryProgressStore } from '../../../support/file-progress';

let spec: OpenApiValidator | null = null;

/**
 * X's own OpenAPI description (xdevplatform/xdk snapshot). Error answers are listed there only as
 * `default`, so 400/403/404/5xx answers are checked against its Problem entity; the answers X sends
 * as `about:blank` problems (401, 403 refusals, 429), which the description does not type, and the
 * OAuth endpoints (not paths of the description) are left out.
 */
export function xSpec() {
  spec ??= new OpenApiValidator('x-api-v2-openapi.json', undefined, { statuses: [400, 403, 404, 500, 502, 503], schema: 'Problem' });
  return spec;
}

/** Every spec problem in the fake's exchanges. */
export function xSpecProblems(exchanges: Exchange[]): string[] {
  return xSpec().validateExchanges(exchanges, {
    skip: (e) => e.path.startsWith('/i/oauth2/') || e.path === '/2/oauth2/token' || (e.response as { type?: string } | undefined)?.type === 'about:blank',
  });
}

/** The account the fake's first user publishes as. */
export const X_ACCOUNT: PublishAccount = { id: 'acct-x', platform: 'x', handle: '@outbox_creator', platformUserId: '1001', instanceUrl: '', meta: { username: 'outbox_creator' } };

/** A publish context for the X adapter against the fake. */
export function xContext(options: { url: string; token: string; parts: PublishPart[]; settings?: Record<string, unknown>; now: () => number; progress?: ReturnType<typeof memoryProgressStore>; signal?: AbortSignal }): PublishContext & { progress: ReturnType<typeof memoryProgressStore> } {
  return {
    entry: { id: 'entry-x', postId: 'post-x', attemptKey: 'attempt-1', contentType: 'x_post', settings: options.settings ?? {} },
    parts: options.parts,
    account: X_ACCOUNT,
    credentials: { accessToken: options.token, refreshToken: 'unused', tokenType: 'bearer', scope: null },
    progress: options.progress ?? memoryProgressStore(),
    endpoints: { apiBase: options.url, authBase: options.url },
    signal: options.signal ?? new AbortController().signal,
    now: options.now,
  };
}

/** Instant waits for the adapter (processing polls, retried segments). */
export const instant = { sleep: async () => {}, retry: { sleep: async () => {}, baseDelayMs: 1 } };

/**
 * Drives an engine until the post leaves `scheduled`/`publishing`: while a request is in flight
 * (an entry `publishing`) it lets the sockets work; otherwise it moves the test clock to the next
 * retry or due time. The clock never moves under a request, so no attempt times out by accident.
 */
export async function settlePost(t: { core: Core; clock: ManualClock }, id: string, options: { stepMs?: number; limitMs?: number } = {}): Promise<Post> {
  const deadline = t.clock.now() + (options.limitMs ?? 60 * 60_000);
  const realDeadline = Date.now() + 60_000;
  for (;;) {
    const got = await t.core.invoke('posts:get', { id });
    if (!got.ok) throw new Error(got.error.message);
    const post = got.value;
    if (!['scheduled', 'publishing'].includes(post.status) || t.clock.now() > deadline || Date.now() > realDeadline) return post;
    if (post.entries.some((e) => e.status === 'publishing')) await new Promise((resolve) => setTimeout(resolve, 5));
    else {
      await t.clock.advance(options.stepMs ?? 15_000);
      await flushPromises(3);
    }
  }
}
