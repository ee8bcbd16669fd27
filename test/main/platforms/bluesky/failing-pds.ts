import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One canned answer of the failing server. */
export interface Canned {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * NOT a PDS: a tiny HTTP server that answers XRPC methods with canned failures (429 with
 * rate-limit headers, 5xx, 413, 401), the ones a real PDS cannot be made to produce on demand.
 * Used only by the Bluesky error classification tests; everything else runs against a real PDS.
 */
export interface FailingPds {
  url: string;
  /** XRPC method names called, in order. */
  calls: string[];
  /** Sets the answer for a method (e.g. 'com.atproto.repo.createRecord'). */
  answer(method: string, canned: Canned): void;
  close(): Promise<void>;
}

export async function startFailingPds(): Promise<FailingPds> {
  const answers = new Map<string, Canned>();
  const calls: string[] = [];
  const server: Server = createServer((req, res) => {
    const method = (req.url ?? '').replace(/^\/xrpc\//, '').split('?')[0]!;
    calls.push(method);
    req.resume();
    req.on('end', () => {
      const canned = answers.get(method) ?? { status: 501, body: { error: 'MethodNotImplemented', message: `${method} not canned` } };
      const body = JSON.stringify(canned.body ?? {});
      res.writeHead(canned.status, { 'content-type': 'application/json', ...canned.headers });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    answer: (method, canned) => void answers.set(method, canned),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
