import { randomUUID } from 'node:crypto';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { PlatformId } from '../../src/shared/domain';
import { listenApiServer, type ApiLimits, type RunningApiServer } from '../../src/main/api/server';
import type { CoreOptions } from '../../src/main/core/create-core';
import { checkAnswers, type RecordedAnswer } from './api-openapi';
import { makeTestCore, snapshotDatabase, type TestCore } from './core';

/** An answer of the API, its JSON body parsed. */
export interface ApiAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, or undefined for an empty body. */
  // any: tests read answers of many shapes and assert on them field by field.
  body: any;
  text: string;
}

/** One request, with every header under the test's control (fetch would not let Host be set). */
export function rawRequest(port: number, options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<ApiAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** A running API over a test engine with a real SQLite file, a token, and a fake home folder. */
export interface ApiFixture {
  t: TestCore;
  server: RunningApiServer;
  token: string;
  /** The folder `file://` media must be inside. */
  home: string;
  dbFile: string;
  /** A request as a well-behaved client sends it: right Host, the token, JSON. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiAnswer>;
  /** Every answer `call` received, for the OpenAPI check. */
  answers: RecordedAnswer[];
  /** Validates every recorded answer against the served OpenAPI document; returns the problems. */
  openApiProblems(): Promise<string[]>;
  /** Every row of every table, for "nothing changed" checks. */
  snapshot(): string;
  /** Inserts an account row directly (the Accounts domain connects real ones). */
  insertAccount(platform: PlatformId, options?: { active?: boolean; handle?: string }): string;
  /** Sets a post's status directly, to reach states a test needs (published, publishing). */
  setPostStatus(id: string, status: string): void;
  dispose(): Promise<void>;
}

/** Starts a test engine and the API on a free port of 127.0.0.1. */
export async function makeApiFixture(options: { limits?: Partial<ApiLimits>; core?: Partial<CoreOptions> } = {}): Promise<ApiFixture> {
  const t = await makeTestCore(options.core);
  const home = realpathSync(mkdtempSync(join(tmpdir(), 'outbox-home-')));
  const generated = await t.core.invoke('api:regenerateToken');
  if (!generated.ok) throw new Error(generated.error.message);
  const token = generated.value.token;
  const server = await listenApiServer({ core: t.core, secrets: t.secrets, clock: t.clock, homeDir: home, port: 0, limits: options.limits, log: () => {} });
  const dbFile = join(t.dataDir, 'outbox.db');
  const db = new Database(dbFile);
  const now = t.clock.now();
  const answers: RecordedAnswer[] = [];
  const fixture: ApiFixture = {
    t,
    server,
    token,
    home,
    dbFile,
    answers,
    async openApiProblems() {
      const served = await rawRequest(server.port, { path: '/v1/openapi.json', headers: { host: `127.0.0.1:${server.port}`, authorization: `Bearer ${token}` } });
      if (served.status !== 200) return [`GET /v1/openapi.json answered ${served.status}`];
      return checkAnswers(served.body, answers);
    },
    async call(method, path, body, headers = {}) {
      const answer = await rawRequest(server.port, {
        method,
        path,
        headers: {
          host: `127.0.0.1:${server.port}`,
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      answers.push({ method, path, answer });
      return answer;
    },
    snapshot: () => snapshotDatabase(dbFile),
    insertAccount(platform, opts = {}) {
      const id = randomUUID();
      db.prepare(
        `INSERT INTO accounts (id, platform, platform_user_id, handle, display_name, active, connection, created_at, updated_at)
         VALUES (@id, @platform, @puid, @handle, @handle, @active, 'connected', @now, @now)`,
      ).run({ id, platform, puid: id, handle: opts.handle ?? `${platform}-${id.slice(0, 6)}`, active: opts.active === false ? 0 : 1, now });
      return id;
    },
    setPostStatus(id, status) {
      db.prepare('UPDATE posts SET status = @status WHERE id = @id').run({ id, status });
    },
    async dispose() {
      db.close();
      await server.close();
      await t.dispose();
      rmSync(home, { recursive: true, force: true });
    },
  };
  return fixture;
}
