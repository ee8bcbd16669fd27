// Shared pieces of the OAuth platforms' connectors (X, LinkedIn, Meta, TikTok, YouTube,
// Pinterest): JSON calls classified like publish failures, the secrets shape, refresh.
import { type CheckResult, type ConnectContext, type OAuthClientConfig, type OAuthTokens, PublishError, retryAfterMs } from './types';

/** What the keychain holds for an OAuth account (and adapters get as `ctx.credentials`). */
export interface OAuthSecrets {
  accessToken: string;
  refreshToken: string | null;
  tokenType: string;
  scope: string | null;
  [key: string]: unknown;
}

/** The creator's developer app, or a clear error naming what to set up. */
export function requireApp(ctx: ConnectContext, label: string, needsSecret: boolean): { clientId: string; clientSecret?: string } {
  const app = ctx.appCredentials;
  if (!app) throw new PublishError('permanent', `platform: add your ${label} developer app (accounts:setAppCredentials) before connecting`);
  if (needsSecret && !app.clientSecret) throw new PublishError('permanent', `clientSecret: ${label} needs the app's client secret as well as its id (accounts:setAppCredentials)`);
  return app;
}

/** The secrets to store from a token answer; a refresh that sends no new refresh token keeps the old one. */
export function secretsFrom(tokens: OAuthTokens, previous?: Record<string, unknown>): OAuthSecrets {
  const old = typeof previous?.['refreshToken'] === 'string' ? (previous['refreshToken'] as string) : null;
  return { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken ?? old, tokenType: tokens.tokenType, scope: tokens.scope };
}

/** When the access token expires (UTC ms), or null. */
export function expiryOf(tokens: OAuthTokens, now: number): number | null {
  return tokens.expiresIn ? now + tokens.expiresIn * 1000 : null;
}

/** A JSON answer. */
export interface JsonAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * A JSON request to a platform API. Network failures become `transient`; the status is left to
 * the caller (see `expectOk`), so checks can read a 401 as "token expired".
 */
export async function callJson<T = Record<string, unknown>>(
  url: string,
  options: { token?: string; method?: string; headers?: Record<string, string>; body?: unknown; form?: Record<string, string>; signal: AbortSignal; what: string },
): Promise<JsonAnswer<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  let body: string | URLSearchParams | undefined;
  if (options.form) body = new URLSearchParams(options.form);
  else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(url, { method: options.method ?? (body ? 'POST' : 'GET'), headers, ...(body !== undefined ? { body } : {}), signal: options.signal });
  } catch (error) {
    throw new PublishError('transient', `${options.what}: could not reach ${new URL(url).host} (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  const text = await response.text();
  let parsed: unknown = {};
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = { message: text.slice(0, 200) };
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}

/** The platform's own error message from a JSON error body, whatever its shape. */
export function errorText(body: unknown): string {
  if (typeof body !== 'object' || body === null) return '';
  const b = body as Record<string, unknown>;
  const nested = typeof b['error'] === 'object' && b['error'] !== null ? (b['error'] as Record<string, unknown>) : null;
  const candidates = [nested?.['message'], b['detail'], b['message'], b['error_description'], typeof b['error'] === 'string' ? b['error'] : undefined, b['title']];
  if (Array.isArray(b['errors'])) candidates.push((b['errors'][0] as Record<string, unknown> | undefined)?.['message']);
  return String(candidates.find((c) => typeof c === 'string' && c !== '') ?? '');
}

/** Throws the classified error for a non-2xx answer (STYLE.md rule 8). */
export function expectOk<T>(answer: JsonAnswer<T>, what: string, now: number): JsonAnswer<T> {
  if (answer.status >= 200 && answer.status < 300) return answer;
  const detail = errorText(answer.body);
  const message = `${what}: ${answer.status}${detail ? ` ${detail}` : ''}`;
  if (answer.status === 401) throw new PublishError('auth', message, { httpStatus: 401 });
  if (answer.status === 429) throw new PublishError('rate_limited', message, { httpStatus: 429, retryAfterMs: retryAfterMs(answer.headers.get('retry-after'), now) ?? 15 * 60_000 });
  if (answer.status >= 500) throw new PublishError('transient', message, { httpStatus: answer.status });
  throw new PublishError('permanent', message, { httpStatus: answer.status });
}

/**
 * Runs a check: an `auth` failure means the token is no longer accepted; a 403 or 404 that the
 * account itself cannot be read (suspended, deleted, access withdrawn) means it is disconnected.
 * Anything else (network, 5xx, rate limits) proves nothing and is thrown.
 */
export async function checkWith(fn: () => Promise<CheckResult>): Promise<CheckResult> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof PublishError && error.kind === 'auth') return { connection: 'token_expired', message: error.message };
    if (error instanceof PublishError && error.kind === 'permanent' && (error.httpStatus === 403 || error.httpStatus === 404)) return { connection: 'disconnected', message: error.message };
    throw error;
  }
}

/** Thrown by a refresh that cannot happen for this account (no refresh token was issued): not a refusal. */
export class RefreshNotPossible extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefreshNotPossible';
  }
}

/** The standard refresh-token grant: new secrets (rotated refresh token included) and expiry. */
export async function standardRefresh(config: OAuthClientConfig, secrets: Record<string, unknown>, ctx: ConnectContext) {
  const refreshToken = secrets['refreshToken'];
  // LinkedIn (for most apps) issues none: the token lives its 60 days, then the creator reconnects.
  if (typeof refreshToken !== 'string' || refreshToken === '') throw new RefreshNotPossible('This account has no refresh token; it is reconnected when its token expires.');
  const tokens = await ctx.refreshToken(config, refreshToken);
  return { secrets: { ...secrets, ...secretsFrom(tokens, secrets) }, tokenExpiresAt: expiryOf(tokens, ctx.now()) };
}

/** A string field, or ''. */
export function str(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

/** Strips a trailing slash from an endpoint override. */
export function base(override: string | undefined, fallback: string): string {
  return (override ?? fallback).replace(/\/+$/, '');
}
