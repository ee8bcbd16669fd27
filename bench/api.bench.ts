// The local automation API's own cost over the engine: HTTP on 127.0.0.1 with keep-alive, the
// Host/Origin/token checks, zod parsing and the snake_case mapping, for a read, a write and a refusal.
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listenApiServer } from '../src/main/api/server';
import { createCore } from '../src/main/core/create-core';
import { MemorySecretStore } from '../src/main/core/ports/doubles';
import { report, sample } from './stats';

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'outbox-bench-'));
  const secrets = new MemorySecretStore();
  const core = await createCore({ dataDir: dir, secrets });
  const token = await core.invoke('api:regenerateToken');
  if (!token.ok) throw new Error(token.error.message);
  const server = await listenApiServer({ core, secrets, port: 0, limits: { requestsPerMinute: 1_000_000, unauthenticatedPerMinute: 1_000_000 } });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const call = (method: string, path: string, body?: string, bearer = token.value.token) =>
    new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: server.port, method, path, agent, headers: { host: `127.0.0.1:${server.port}`, authorization: `Bearer ${bearer}`, ...(body ? { 'content-type': 'application/json' } : {}) } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  try {
    for (let i = 0; i < 50; i++) await call('POST', '/v1/posts', JSON.stringify({ content: `seed ${i}` }));
    report('API GET /v1/posts?limit=10 (50 drafts)', await sample(() => call('GET', '/v1/posts?limit=10'), 1000));
    report('API POST /v1/posts (draft, fsync per commit)', await sample(() => call('POST', '/v1/posts', JSON.stringify({ content: 'a new draft' })), 300));
    report('API refused: wrong token (401)', await sample(() => call('GET', '/v1/posts', undefined, 'obx_wrong'), 2000));
    report('API GET /v1/openapi.json', await sample(() => call('GET', '/v1/openapi.json'), 500));
    report('invoke posts:list directly, for comparison', await sample(() => core.invoke('posts:list', { limit: 10 }), 1000));
  } finally {
    agent.destroy();
    await server.close();
    await core.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
