// No channel ever returns a token, secret or password: a whole session runs through the
// browser harness's WebSocket (what the renderer sees) and `core.on`, with secrets we chose
// (a client secret, an app password, a bot token) plus the real tokens the OAuth server issued,
// and every answer and event is scanned for all of them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { EVENT_NAMES } from '../../../../src/shared/ipc/events';
import { ManualClock, MemorySecretStore, RecordingBrowser } from '../../../../src/main/core/ports/doubles';
import { startOAuthServer, type FakeOAuthServer } from '../../../fakes/oauth-server';
import { startHarness, type Harness } from '../../../harness/server';
import { HARNESS_WS_PATH } from '../../../harness/protocol';
import { X_SCOPES } from '../../../../src/main/platforms/x/auth';
import { tempDir } from '../../../support/core';

const CANARY = 'CANARY7f3a9c';
const CLIENT = { clientId: 'outbox-canary-client', clientSecret: `client-secret-${CANARY}` };

let server: FakeOAuthServer;
let harness: Harness;
let socket: WebSocket;
const secrets = new MemorySecretStore();
const browser = new RecordingBrowser();
const folder = tempDir();
/** Every message the page would receive over the WebSocket, raw. */
const wire: string[] = [];
/** Every event `core.on` delivered, serialised. */
const events: string[] = [];
let nextId = 1;
const waiting = new Map<number, (result: unknown) => void>();

beforeAll(async () => {
  server = await startOAuthServer({
    clients: [{ ...CLIENT, authMethod: 'client_secret_basic' }],
    scopes: X_SCOPES,
    routes: { authorization: '/i/oauth2/authorize', token: '/2/oauth2/token', revocation: '/2/oauth2/revoke' },
    api: (req) => (req.path === '/2/users/me' ? { data: { id: '42', username: 'canary_owner', name: 'Canary Owner' } } : null),
  });
  harness = await startHarness({
    dataDir: folder.dir,
    core: {
      secrets,
      clock: new ManualClock(),
      openBrowser: browser.open,
      platforms: { x: { authBase: server.url, apiBase: server.url, redirectPort: '0' } },
    },
  });
  for (const event of EVENT_NAMES) harness.core.on(event, (payload) => events.push(JSON.stringify({ event, payload })));
  // As the harness's own page connects: its Origin, and this run's key from the page URL.
  const page = new URL(harness.url);
  socket = new WebSocket(`${page.origin.replace('http', 'ws')}${HARNESS_WS_PATH}?key=${encodeURIComponent(harness.key)}`, { origin: page.origin });
  socket.on('message', (raw) => {
    const text = String(raw);
    wire.push(text);
    const data = JSON.parse(text) as { id?: number; result?: unknown };
    if (data.id !== undefined) waiting.get(data.id)?.(data.result);
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
});

afterAll(async () => {
  socket?.close();
  await harness?.close();
  await server?.close();
  folder.remove();
});

/** Calls a channel the way the page does, over the harness WebSocket. */
function call(channel: string, payload?: unknown): Promise<{ ok: boolean; value?: unknown; error?: { message: string } }> {
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, resolve as (r: unknown) => void);
    socket.send(JSON.stringify({ id, channel, payload }));
  });
}

/** Every secret value the keychain holds right now (tokens the server issued included). */
function secretValues(): string[] {
  const out: string[] = [];
  const walk = (value: unknown) => {
    if (typeof value === 'string') {
      if (value.length >= 8) out.push(value);
    } else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  for (const [key, text] of secrets.values) {
    if (key.startsWith('account:') || key.startsWith('app:') || key.startsWith('cache:')) {
      try {
        walk(JSON.parse(text));
      } catch {
        out.push(text);
      }
    }
  }
  return out;
}

describe('the canary: no answer or event of a session carries a secret', () => {
  it('connect, check (with a refresh), list, failed connects with passwords and bot tokens, disconnect', async () => {
    const seen = new Set<string>([CANARY]);
    const remember = () => secretValues().forEach((s) => seen.add(s));

    expect(await call('accounts:setAppCredentials', { platform: 'x', clientId: CLIENT.clientId, clientSecret: CLIENT.clientSecret })).toMatchObject({ ok: true });
    expect(await call('accounts:appCredentials')).toMatchObject({ ok: true });

    const opened = browser.next();
    const connecting = call('accounts:connect', { platform: 'x' });
    await server.browse(await opened);
    const connected = await connecting;
    expect(connected).toMatchObject({ ok: true, value: { status: 'connected', account: { handle: '@canary_owner' } } });
    const id = (connected.value as { account: { id: string } }).account.id;
    remember();

    // A check refreshes (the token is within the refresh window): new tokens appear, none may leak.
    expect(await call('accounts:check', { id })).toMatchObject({ ok: true });
    remember();
    await call('accounts:list');
    await call('accounts:setActive', { id, active: false });
    await call('accounts:check');

    // A wrong state, and connects with secrets that fail: their error messages must not echo them.
    const again = browser.next();
    const forged = call('accounts:connect', { platform: 'x' });
    const target = new URL(await server.redirectTarget(await again));
    target.searchParams.set('state', `forged-${CANARY}`);
    await fetch(target);
    expect(await forged).toMatchObject({ ok: false });
    expect(await call('accounts:connect', { platform: 'bluesky', identifier: 'canary.example', appPassword: `pw-${CANARY}`, service: 'http://127.0.0.1:1' })).toMatchObject({ ok: false });
    expect(await call('accounts:connect', { platform: 'telegram', botToken: `123456:${CANARY}abcdefghijklmnopqrstu`, chatId: '@canary', apiBase: 'http://127.0.0.1:1' })).toMatchObject({ ok: false });
    expect(await call('accounts:connect', { platform: 'mastodon', instanceUrl: 'http://127.0.0.1:1' })).toMatchObject({ ok: false });
    // Every other read channel, as the UI would call them.
    for (const channel of ['app:info', 'settings:get', 'posts:list', 'labels:list', 'accounts:list', 'accounts:appCredentials']) await call(channel);

    remember();
    expect(await call('accounts:disconnect', { id })).toMatchObject({ ok: true });

    const bluesky = `pw-${CANARY}`;
    const bot = `123456:${CANARY}abcdefghijklmnopqrstu`;
    const forbidden = [...seen, bluesky, bot].filter((s) => s !== `forged-${CANARY}`);
    expect(forbidden.length).toBeGreaterThan(4);
    expect(wire.length).toBeGreaterThan(15);
    expect(events.length).toBeGreaterThan(3);
    for (const text of [...wire, ...events]) {
      for (const secret of forbidden) {
        // The forged state is ours to send back in a message; nothing else with the canary may appear.
        expect(text.replaceAll(`forged-${CANARY}`, ''), `a message carried a secret: ${text.slice(0, 200)}`).not.toContain(secret);
      }
      expect(text.replaceAll(`forged-${CANARY}`, '')).not.toContain(CANARY);
    }
  });
});
