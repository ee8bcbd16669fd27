// Facebook Login for the Meta platforms that go through a Facebook Page (Facebook Page,
// Instagram through Facebook): the Graph API version, error classification (Meta answers 400
// with code 190 for a dead token) and the long-lived token exchange.
import { type CheckResult, type ConnectContext, type OAuthClientConfig, PublishError, retryAfterMs } from './types';
import { base, callJson, errorText, requireApp, str, type JsonAnswer } from './oauth-connector';

/** The Graph API version Outbox calls (Meta supports each for about two years). */
export const GRAPH_VERSION = 'v23.0';

/** graph.facebook.com, or the test override. */
export function graphBase(ctx: ConnectContext): string {
  return `${base(ctx.endpoints.apiBase, 'https://graph.facebook.com')}/${GRAPH_VERSION}`;
}

/** The Facebook Login client for these scopes (Meta joins scopes with commas). */
export function facebookLoginConfig(ctx: ConnectContext, label: string, scopes: string[]): OAuthClientConfig {
  const app = requireApp(ctx, label, true);
  return {
    authorizeUrl: `${base(ctx.endpoints.authBase, 'https://www.facebook.com')}/${GRAPH_VERSION}/dialog/oauth`,
    tokenUrl: `${graphBase(ctx)}/oauth/access_token`,
    clientId: app.clientId,
    clientSecret: app.clientSecret!,
    scopes,
    scopeSeparator: ',',
    tokenAuth: 'body',
  };
}

/** Classifies a Graph API answer: code 190 (and 102, 463, 467) is a dead token whatever the status. */
export function expectGraphOk<T>(answer: JsonAnswer<T>, what: string, now: number): JsonAnswer<T> {
  if (answer.status >= 200 && answer.status < 300) return answer;
  const error = ((answer.body as Record<string, unknown>)['error'] ?? {}) as Record<string, unknown>;
  const code = Number(error['code']);
  const message = `${what}: ${errorText(answer.body) || answer.status}`;
  if (answer.status === 401 || [102, 190, 463, 467].includes(code)) throw new PublishError('auth', message, { httpStatus: answer.status });
  if (answer.status === 429 || [4, 17, 32, 613].includes(code)) throw new PublishError('rate_limited', message, { httpStatus: answer.status, retryAfterMs: retryAfterMs(answer.headers.get('retry-after'), now) ?? 60 * 60_000 });
  if (answer.status >= 500 || code === 1 || code === 2) throw new PublishError('transient', message, { httpStatus: answer.status });
  throw new PublishError('permanent', message, { httpStatus: answer.status });
}

/** Exchanges a short-lived user token for a long-lived one (about 60 days). */
export async function longLivedUserToken(ctx: ConnectContext, config: OAuthClientConfig, shortLived: string): Promise<{ token: string; expiresAt: number | null }> {
  const url = new URL(`${graphBase(ctx)}/oauth/access_token`);
  url.searchParams.set('grant_type', 'fb_exchange_token');
  url.searchParams.set('client_id', config.clientId);
  url.searchParams.set('client_secret', config.clientSecret ?? '');
  url.searchParams.set('fb_exchange_token', shortLived);
  const answer = expectGraphOk(await callJson(url.href, { signal: ctx.signal, what: 'Getting a long-lived Facebook token' }), 'Getting a long-lived Facebook token', ctx.now());
  const expiresIn = Number(answer.body['expires_in']);
  return { token: str(answer.body['access_token']), expiresAt: Number.isFinite(expiresIn) && expiresIn > 0 ? ctx.now() + expiresIn * 1000 : null };
}

/** The Pages this Facebook user manages, with their Page tokens (never leave the main process). */
export async function managedPages(ctx: ConnectContext, userToken: string, fields: string): Promise<Array<Record<string, unknown>>> {
  const pages: Array<Record<string, unknown>> = [];
  let next: string | null = `${graphBase(ctx)}/me/accounts?fields=${encodeURIComponent(fields)}&limit=100`;
  for (let i = 0; next && i < 10; i++) {
    const answer: JsonAnswer = expectGraphOk(await callJson(next, { token: userToken, signal: ctx.signal, what: 'Listing your Facebook Pages' }), 'Listing your Facebook Pages', ctx.now());
    pages.push(...((answer.body['data'] as Array<Record<string, unknown>> | undefined) ?? []));
    next = str((answer.body['paging'] as Record<string, unknown> | undefined)?.['next']) || null;
  }
  return pages;
}

/** Runs a Graph check; a dead token means `token_expired`, a node we may no longer read `disconnected`. */
export async function graphCheck(fn: () => Promise<CheckResult>): Promise<CheckResult> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof PublishError && error.kind === 'auth') return { connection: 'token_expired', message: error.message };
    if (error instanceof PublishError && error.kind === 'permanent') return { connection: 'disconnected', message: error.message };
    throw error;
  }
}
