import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOAuthServer, type FakeOAuthServer } from '../../../../test/fakes/oauth-server';
import type { OAuthClientConfig } from '../../platforms/types';
import { ManualClock, RecordingBrowser } from '../ports/doubles';
import { OAuthError } from './oauth-error';
import { authorize, refreshGrant } from './oauth-flow';
import { listenOnLoopback } from './loopback';
import { pkceChallenge } from './pkce';

let server: FakeOAuthServer;
const publicClient = { clientId: 'outbox-public' };
const confidentialClient = { clientId: 'outbox-confidential', clientSecret: 's3cret:with/odd chars' };

beforeAll(async () => {
  server = await startOAuthServer({ clients: [publicClient, confidentialClient], scopes: ['post.write', 'profile.read'] });
});
afterAll(async () => server.close());

function config(overrides: Partial<OAuthClientConfig> = {}): OAuthClientConfig {
  return { authorizeUrl: server.authorizeUrl, tokenUrl: server.tokenUrl, clientId: publicClient.clientId, scopes: ['post.write', 'profile.read'], issuer: server.issuer, ...overrides };
}

function start(overrides: Partial<OAuthClientConfig> = {}) {
  const browser = new RecordingBrowser();
  const clock = new ManualClock();
  const opened = browser.next();
  const result = authorize(config(overrides), { openBrowser: browser.open, clock, port: 0 });
  result.catch(() => {});
  return { opened, result, clock };
}

async function rejection(promise: Promise<unknown>): Promise<OAuthError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the flow to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OAuthError);
  return error as OAuthError;
}

describe('authorization code with PKCE over a loopback redirect', () => {
  it('a consented sign-in yields tokens and the browser sees the "you can close this tab" page', async () => {
    server.decision = 'approve';
    const { opened, result } = start();
    const url = new URL(await opened);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('state')).toMatch(/^[\w-]{32,}$/);
    const redirect = new URL(url.searchParams.get('redirect_uri')!);
    expect(redirect.hostname).toBe('127.0.0.1');
    expect(redirect.pathname).toBe('/callback');

    const page = await server.browse(url.href);
    expect(page.status).toBe(200);
    expect(page.body).toContain('You can close this tab');
    const tokens = await result;
    expect(tokens.accessToken.length).toBeGreaterThan(10);
    expect(tokens.refreshToken).toBeTruthy();
    expect(tokens.expiresIn).toBeGreaterThan(0);
  });

  it('the fake server really requires PKCE: an authorize request without a challenge is refused', async () => {
    const url = new URL(server.authorizeUrl);
    url.searchParams.set('client_id', publicClient.clientId);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('redirect_uri', 'http://127.0.0.1:1/callback');
    url.searchParams.set('scope', 'post.write');
    const target = new URL(await server.redirectTarget(url.href));
    expect(target.searchParams.get('error')).toBe('invalid_request');
    expect(target.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('a confidential client authenticates with HTTP Basic (with form-encoded id and secret)', async () => {
    const { opened, result } = start({ clientId: confidentialClient.clientId, clientSecret: confidentialClient.clientSecret, tokenAuth: 'basic' });
    await server.browse(await opened);
    expect((await result).accessToken).toBeTruthy();
  });

  it('a wrong state ends the attempt with a clear error, and no code is exchanged', async () => {
    const before = server.tokenRequests.length;
    const { opened, result } = start();
    const target = new URL(await server.redirectTarget(await opened));
    target.searchParams.set('state', 'forged-state-value');
    const page = await fetch(target);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('could not connect');
    const error = await rejection(result);
    expect(error.kind).toBe('state_mismatch');
    expect(error.message).toMatch(/state did not match/);
    expect(server.tokenRequests.length).toBe(before);
  });

  it('an `iss` that is not the expected issuer is refused (RFC 9207)', async () => {
    const { opened, result } = start({ issuer: 'https://someone-else.example' });
    await server.browse(await opened);
    expect((await rejection(result)).kind).toBe('issuer_mismatch');
  });

  it('a denied consent ends the attempt with a clear error', async () => {
    server.decision = 'deny';
    try {
      const { opened, result } = start();
      const page = await server.browse(await opened);
      expect(page.status).toBe(400);
      const error = await rejection(result);
      expect(error.kind).toBe('access_denied');
      expect(error.message).toMatch(/not granted/);
    } finally {
      server.decision = 'approve';
    }
  });

  it('gives up after 5 minutes and closes the listener', async () => {
    const { opened, result, clock } = start();
    const redirect = new URL(new URL(await opened).searchParams.get('redirect_uri')!);
    await clock.advance(4 * 60_000 + 59_000);
    expect(await fetch(new URL('/favicon.ico', redirect)).then((r) => r.status)).toBe(404);
    await clock.advance(1_000);
    const error = await rejection(result);
    expect(error.kind).toBe('timeout');
    expect(error.message).toMatch(/5 minutes/);
    await expect(fetch(redirect)).rejects.toThrow();
  });

  it('an abort (a newer attempt, or quitting) ends the attempt and frees the port', async () => {
    const browser = new RecordingBrowser();
    const controller = new AbortController();
    const opened = browser.next();
    const result = authorize(config(), { openBrowser: browser.open, clock: new ManualClock(), port: 0, signal: controller.signal });
    const redirect = new URL(new URL(await opened).searchParams.get('redirect_uri')!);
    controller.abort();
    expect((await rejection(result)).kind).toBe('aborted');
    await expect(fetch(redirect)).rejects.toThrow();
  });

  it('a browser that cannot be opened fails at once', async () => {
    const error = await rejection(
      authorize(config(), {
        openBrowser: async () => {
          throw new Error('no display');
        },
        clock: new ManualClock(),
        port: 0,
      }),
    );
    expect(error.kind).toBe('no_browser');
  });
});

describe('refresh grant', () => {
  it('rotates the refresh token, and the used one is refused afterwards', async () => {
    const { opened, result } = start();
    await server.browse(await opened);
    const first = await result;
    const second = await refreshGrant(config(), first.refreshToken!);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.refreshToken).toBeTruthy();
    expect(second.refreshToken).not.toBe(first.refreshToken);
    const reused = await rejection(refreshGrant(config(), first.refreshToken!));
    expect(reused.kind).toBe('invalid_grant');
  });

  it('an unreachable token endpoint is a network error, not a refusal', async () => {
    const error = await rejection(refreshGrant(config({ tokenUrl: 'http://127.0.0.1:1/token' }), 'x'));
    expect(error.kind).toBe('network');
  });
});

describe('pkce', () => {
  it('computes the RFC 7636 appendix B challenge', () => {
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });
});

describe('loopback listener', () => {
  const reachable = (host: string, port: number) =>
    new Promise<boolean>((resolve) => {
      const socket = connect({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });

  it('listens on 127.0.0.1 only: the machine\'s other addresses cannot reach it', async () => {
    const listener = await listenOnLoopback({ port: 0 });
    try {
      expect(await reachable('127.0.0.1', listener.port)).toBe(true);
      const others = Object.values(networkInterfaces())
        .flat()
        .filter((a) => a && !a.internal && a.family === 'IPv4')
        .map((a) => a!.address);
      // A machine with no other interface has nothing more to prove here.
      for (const address of others) expect(await reachable(address, listener.port), address).toBe(false);
    } finally {
      await listener.close();
    }
  });

  it('answers only the callback path, once', async () => {
    const listener = await listenOnLoopback({ port: 0 });
    const base = `http://127.0.0.1:${listener.port}`;
    expect((await fetch(`${base}/favicon.ico`)).status).toBe(404);
    const first = fetch(`${base}/callback?code=1&state=s`);
    const { params, reply } = await listener.callback;
    expect(params.get('code')).toBe('1');
    reply({ ok: true, message: 'done <script>' });
    const page = await first;
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await page.text()).toContain('done &#60;script&#62;');
    await expect(fetch(`${base}/callback?code=2`)).rejects.toThrow();
  });
});
