import { afterEach, describe, expect, it } from 'vitest';
import { listenApiServer, type RunningApiServer } from '../../../src/main/api/server';
import { openApiDocument } from '../../../src/main/api/openapi';
import { MemorySecretStore } from '../../../src/main/core/ports/doubles';
import type { ErrorCode } from '../../../src/shared/result';
import { rawRequest } from '../../support/api-fixture';
import { checkAnswers, type RecordedAnswer } from '../../support/api-openapi';

// The API adds no rules: what the engine answers decides the status. A stand-in engine answers
// each error code, so every mapping (and the 500 for a thrown error) is checked in one place.

let server: RunningApiServer | undefined;
const answers: RecordedAnswer[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(invoke: (channel: string) => Promise<unknown>) {
  const secrets = new MemorySecretStore();
  await secrets.set('api:token', 'obx_test');
  const logged: unknown[] = [];
  server = await listenApiServer({ core: { invoke: invoke as never }, secrets, port: 0, log: (_m, e) => logged.push(e) });
  const call = async (method: string, path: string, body?: unknown) => {
    const answer = await rawRequest(server!.port, {
      method,
      path,
      headers: { host: `127.0.0.1:${server!.port}`, authorization: 'Bearer obx_test', ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    answers.push({ method, path, answer });
    return answer;
  };
  return { call, logged };
}

describe('engine errors become HTTP statuses', () => {
  it.each<[ErrorCode, number, string]>([
    ['not_found', 404, 'not_found'],
    ['conflict', 409, 'conflict'],
    ['validation', 422, 'validation'],
    ['unauthorized', 422, 'account_unauthorized'],
    ['rate_limited', 429, 'rate_limited'],
    ['offline', 503, 'offline'],
    ['internal', 500, 'internal'],
  ])('%s is %i (%s), with the engine message', async (code, status, apiCode) => {
    const { call } = await serve(async () => ({ ok: false, error: { code, message: `engine says ${code}` } }));
    const answer = await call('POST', '/v1/posts', { content: 'x' });
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ error: `engine says ${code}`, code: apiCode });
  });

  it('engine issues become details.issues with the request field names', async () => {
    const { call } = await serve(async () => ({ ok: false, error: { code: 'validation', message: 'parts.0.text: too long', issues: [{ path: 'parts.0.text', message: 'too long', platform: 'x' }] } }));
    const answer = await call('POST', '/v1/posts', { content: 'x' });
    expect(answer.body).toEqual({ error: 'content: too long', code: 'validation', details: { issues: [{ path: 'content', message: 'too long', platform: 'twitter' }] } });
  });

  it('an engine that throws is a 500 that shows no internals, and is logged', async () => {
    const { call, logged } = await serve(async () => {
      throw new Error('secret internals at /home/me/.config');
    });
    const answer = await call('GET', '/v1/posts/abc');
    expect(answer.status).toBe(500);
    expect(answer.body.code).toBe('internal');
    expect(answer.text).not.toContain('secret internals');
    expect(logged).toHaveLength(1);
  });

  it('every answer above validates against the OpenAPI document', () => {
    expect(answers.length).toBeGreaterThan(8);
    expect(checkAnswers(openApiDocument('http://127.0.0.1'), answers)).toEqual([]);
  });
});
