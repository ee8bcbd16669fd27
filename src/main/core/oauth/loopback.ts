import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuthError } from './oauth-error';

/** The browser's request to the redirect URI, waiting for its page. */
export interface LoopbackCallback {
  /** The query string the authorization server redirected with. */
  params: URLSearchParams;
  /** Answers the browser with the small page (success or what went wrong), then the listener closes. */
  reply(outcome: { ok: boolean; message: string }): void;
}

/** A one-shot HTTP listener on 127.0.0.1 for the OAuth redirect (RFC 8252 §7.3). */
export interface LoopbackListener {
  redirectUri: string;
  port: number;
  /** Resolves with the first request to the callback path. */
  callback: Promise<LoopbackCallback>;
  /** Stops listening and drops open connections. Safe to call twice. */
  close(): Promise<void>;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page the browser shows after the redirect. It echoes nothing the URL carried. */
export function callbackPage(ok: boolean, message: string): string {
  const title = ok ? 'Outbox is connected' : 'Outbox could not connect';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:15vh auto;padding:0 1rem;color:#1d1d1f}h1{font-size:1.4rem}</style>
</head><body><h1>${title}</h1><p>${escapeHtml(message)}</p><p>You can close this tab and return to Outbox.</p></body></html>`;
}

/**
 * Listens on 127.0.0.1 only (never on all interfaces) for one request to `path`. Other paths
 * (a favicon, a stray probe) get a 404 and do not count. After the callback is answered the
 * listener closes.
 */
export async function listenOnLoopback(options: { port: number; path?: string }): Promise<LoopbackListener> {
  const path = options.path ?? '/callback';
  let deliver!: (callback: LoopbackCallback) => void;
  const callback = new Promise<LoopbackCallback>((resolve) => (deliver = resolve));
  let answered = false;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== path || answered) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end('Not found');
      return;
    }
    answered = true;
    deliver({
      params: url.searchParams,
      reply({ ok, message }) {
        res.writeHead(ok ? 200 : 400, {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
          'referrer-policy': 'no-referrer',
          connection: 'close',
        });
        res.end(callbackPage(ok, message), () => void close());
      },
    });
  });

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }));

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new OAuthError('port_in_use', `Port ${options.port} on 127.0.0.1 is in use, so Outbox cannot receive the sign-in answer. Close the program using it and try again.`, { cause: error })
          : new OAuthError('network', `Outbox could not listen on 127.0.0.1:${options.port}: ${error.message}`, { cause: error }),
      );
    });
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return { redirectUri: `http://127.0.0.1:${port}${path}`, port, callback, close };
}
