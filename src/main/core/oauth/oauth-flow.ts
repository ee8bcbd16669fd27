import type { OAuthClientConfig, OAuthTokens } from '../../platforms/types';
import type { Clock, OpenBrowser } from '../ports/ports';
import { listenOnLoopback } from './loopback';
import { OAuthError } from './oauth-error';
import { createPkce, randomState } from './pkce';

/** How long the creator has to finish consent in the browser. */
export const OAUTH_TIMEOUT_MS = 5 * 60_000;

/** What the authorization-code flow needs from the engine. */
export interface AuthorizeDeps {
  openBrowser: OpenBrowser;
  clock: Clock;
  /** The loopback port; 0 picks a free one (only for servers that accept any loopback port). */
  port: number;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * The authorization-code grant with PKCE (S256) and `state` through the system browser and a
 * loopback redirect (RFC 6749 §4.1, RFC 7636, RFC 8252, RFC 9207 for `iss`). Resolves with the
 * tokens; a wrong state or issuer, a denied consent, a timeout or an abort rejects with an
 * OAuthError and nothing is exchanged.
 */
export async function authorize(config: OAuthClientConfig, deps: AuthorizeDeps): Promise<OAuthTokens> {
  deps.signal?.throwIfAborted();
  const listener = await listenOnLoopback({ port: deps.port, path: config.redirectPath ?? '/callback' });
  const pkce = createPkce(config.pkceEncoding);
  const state = randomState();
  const url = new URL(config.authorizeUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set(config.clientIdParam ?? 'client_id', config.clientId);
  url.searchParams.set('redirect_uri', listener.redirectUri);
  if (config.scopes.length > 0) url.searchParams.set('scope', config.scopes.join(config.scopeSeparator ?? ' '));
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', pkce.challenge);
  url.searchParams.set('code_challenge_method', pkce.method);
  for (const [key, value] of Object.entries(config.extraAuthorizeParams ?? {})) url.searchParams.set(key, value);

  let timer: { cancel(): void } | undefined;
  let onAbort: (() => void) | undefined;
  try {
    const giveUp = new Promise<never>((_, reject) => {
      const minutes = Math.round((deps.timeoutMs ?? OAUTH_TIMEOUT_MS) / 60_000);
      timer = deps.clock.setTimeout(
        () => reject(new OAuthError('timeout', `No answer came back from the browser within ${minutes} minutes, so nothing was connected. Try again and finish signing in within ${minutes} minutes.`)),
        deps.timeoutMs ?? OAUTH_TIMEOUT_MS,
      );
      onAbort = () => reject(new OAuthError('aborted', 'The sign-in was cancelled (a newer attempt started or Outbox is closing); nothing was connected.'));
      deps.signal?.addEventListener('abort', onAbort, { once: true });
    });
    giveUp.catch(() => {});

    try {
      await Promise.race([deps.openBrowser(url.href), giveUp]);
    } catch (error) {
      if (error instanceof OAuthError) throw error;
      throw new OAuthError('no_browser', `Outbox could not open the browser for signing in: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }

    const { params, reply } = await Promise.race([listener.callback, giveUp]);
    const fail = (error: OAuthError) => {
      reply({ ok: false, message: error.message });
      return error;
    };
    if (params.get('state') !== state) {
      throw fail(new OAuthError('state_mismatch', 'The sign-in answer did not belong to this attempt (its state did not match), so it was refused and nothing was connected. Start connecting again from Outbox.'));
    }
    const iss = params.get('iss');
    if (iss !== null && config.issuer !== undefined && iss !== config.issuer) {
      throw fail(new OAuthError('issuer_mismatch', `The sign-in answer came from ${iss}, not from ${config.issuer}, so it was refused and nothing was connected.`));
    }
    const error = params.get('error');
    if (error !== null) {
      const description = params.get('error_description') ?? params.get('error_reason') ?? '';
      if (error === 'access_denied' || params.get('error_reason') === 'user_denied') {
        throw fail(new OAuthError('access_denied', 'Access was not granted on the consent screen, so nothing was connected.'));
      }
      throw fail(new OAuthError('server_error', `The sign-in failed: ${error}${description ? ` (${description})` : ''}. Nothing was connected.`));
    }
    const code = params.get('code');
    if (!code) throw fail(new OAuthError('bad_response', 'The sign-in answer carried no authorization code; nothing was connected.'));
    reply({ ok: true, message: 'Outbox received the sign-in and is finishing the connection.' });

    return await tokenRequest(
      config,
      { grant_type: 'authorization_code', code, redirect_uri: listener.redirectUri, code_verifier: pkce.verifier },
      deps.signal,
    );
  } finally {
    timer?.cancel();
    if (onAbort) deps.signal?.removeEventListener('abort', onAbort);
    await listener.close();
  }
}

/** The refresh-token grant (RFC 6749 §6). A refused grant rejects with kind `invalid_grant`. */
export function refreshGrant(config: OAuthClientConfig, refreshToken: string, signal?: AbortSignal): Promise<OAuthTokens> {
  const params: Record<string, string> = { grant_type: 'refresh_token', refresh_token: refreshToken };
  return tokenRequest(config, params, signal);
}

/** POSTs to the token endpoint with the client's authentication and reads the answer. */
export async function tokenRequest(config: OAuthClientConfig, params: Record<string, string>, signal?: AbortSignal): Promise<OAuthTokens> {
  const body = new URLSearchParams(params);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  const auth = config.tokenAuth ?? (config.clientSecret ? 'basic' : 'none');
  const idParam = config.clientIdParam ?? 'client_id';
  if (auth === 'basic' && config.clientSecret) {
    // RFC 6749 §2.3.1: both halves are form-encoded before base64.
    const pair = `${encodeURIComponent(config.clientId)}:${encodeURIComponent(config.clientSecret)}`;
    headers['authorization'] = `Basic ${Buffer.from(pair).toString('base64')}`;
  } else {
    body.set(idParam, config.clientId);
    if (auth === 'body' && config.clientSecret) body.set('client_secret', config.clientSecret);
  }

  let response: Response;
  try {
    response = await fetch(config.tokenUrl, { method: 'POST', headers, body, signal: signal ?? null });
  } catch (error) {
    if (signal?.aborted) throw new OAuthError('aborted', 'The request was cancelled.', { cause: error });
    throw new OAuthError('network', `Could not reach ${new URL(config.tokenUrl).host}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const text = await response.text();
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    if (response.status >= 500) throw new OAuthError('network', `${new URL(config.tokenUrl).host} answered ${response.status}; try again later.`);
    throw new OAuthError('bad_response', `The token endpoint answered ${response.status} with something that is not JSON.`);
  }
  // Instagram wraps the token in `data: [ ... ]`.
  if (Array.isArray(json['data']) && typeof (json['data'][0] as Record<string, unknown> | undefined)?.['access_token'] === 'string') {
    json = json['data'][0] as Record<string, unknown>;
  }
  const err = json['error'];
  if (!response.ok || err !== undefined) {
    // Meta nests errors as { error: { message, type, code } }.
    const nested = typeof err === 'object' && err !== null ? (err as Record<string, unknown>) : null;
    const code = nested ? String(nested['type'] ?? nested['code'] ?? 'error') : String(err ?? `http_${response.status}`);
    const description = String(json['error_description'] ?? nested?.['message'] ?? json['message'] ?? '');
    if (response.status >= 500 || response.status === 429) {
      throw new OAuthError('network', `${new URL(config.tokenUrl).host} is not answering properly (${response.status} ${code}); try again later.`);
    }
    const refused = code === 'invalid_grant' || code === 'OAuthException' || response.status === 400 || response.status === 401;
    throw new OAuthError(refused ? 'invalid_grant' : 'server_error', `The platform refused the token request: ${code}${description ? ` (${description})` : ''}.`);
  }
  const accessToken = json['access_token'];
  if (typeof accessToken !== 'string' || accessToken === '') throw new OAuthError('bad_response', 'The token endpoint answered without an access token.');
  const expiresIn = Number(json['expires_in']);
  return {
    accessToken,
    refreshToken: typeof json['refresh_token'] === 'string' ? json['refresh_token'] : null,
    expiresIn: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : null,
    scope: typeof json['scope'] === 'string' ? json['scope'] : null,
    tokenType: typeof json['token_type'] === 'string' ? json['token_type'] : 'bearer',
    raw: json,
  };
}
