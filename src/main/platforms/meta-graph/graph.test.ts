import { describe, expect, it } from 'vitest';
import { classifyGraphError, graphMessage, throttleWaitMs } from './graph';

const error = (code: number, extra: Record<string, unknown> = {}) => ({ error: { message: `(#${code}) Something`, type: 'OAuthException', code, ...extra } });
const classify = (status: number, body: unknown, options: { sending?: boolean; headers?: Record<string, string> } = {}) => classifyGraphError(status, body, new Headers(options.headers), { what: 'Posting', now: 0, sending: options.sending });

describe('Graph errors, classified once for the Meta platforms', () => {
  it('a dead token (190, 102, 463, 467, or a 401) is auth', () => {
    for (const code of [190, 102, 463, 467]) expect(classify(400, error(code)).kind).toBe('auth');
    expect(classify(401, {}).kind).toBe('auth');
  });

  it('throttling (4, 17, 32, 613, business use case 80001-80014, a 429) is rate_limited with the wait Meta states', () => {
    for (const code of [4, 17, 32, 613, 80001, 80014]) expect(classify(400, error(code)).kind).toBe('rate_limited');
    expect(classify(429, {}).kind).toBe('rate_limited');
    const usage = { 'x-business-use-case-usage': JSON.stringify({ '123': [{ type: 'pages', call_count: 100, estimated_time_to_regain_access: 12 }] }) };
    expect(classify(400, error(32), { headers: usage }).retryAfterMs).toBe(12 * 60_000);
    expect(classify(400, error(4), { headers: { 'retry-after': '90' } }).retryAfterMs).toBe(90_000);
    expect(classify(400, error(4)).retryAfterMs).toBe(60 * 60_000);
  });

  it("Instagram's publishing limit (9 / 2207042) is rate_limited; other code 9 errors are not", () => {
    expect(classify(400, error(9, { error_subcode: 2207042 })).kind).toBe('rate_limited');
    expect(classify(400, error(9, { error_subcode: 2207001 })).kind).toBe('permanent');
  });

  it('1, 2, is_transient and 5xx are transient; "maybe sent" only for a request that makes something', () => {
    for (const body of [error(1), error(2), error(368, { is_transient: true })]) {
      expect(classify(400, body)).toMatchObject({ kind: 'transient', maybeSent: false });
      expect(classify(400, body, { sending: true })).toMatchObject({ kind: 'transient', maybeSent: true });
    }
    expect(classify(503, {}, { sending: true })).toMatchObject({ kind: 'transient', maybeSent: true });
  });

  it('100 and anything else is permanent, with Meta\'s words for people first', () => {
    const refused = classify(400, error(100, { error_subcode: 33, error_user_title: 'Invalid time', error_user_msg: 'Pick a time at least 10 minutes ahead.' }));
    expect(refused).toMatchObject({ kind: 'permanent', httpStatus: 400 });
    expect(refused.message).toBe('Posting: Invalid time: Pick a time at least 10 minutes ahead. — (#100) Something (code 100/33)');
    expect(graphMessage(null, 502)).toBe('HTTP 502');
  });

  it('a header it cannot read says nothing', () => {
    expect(throttleWaitMs(new Headers({ 'x-business-use-case-usage': 'not json' }), 0, 5)).toBe(5);
  });
});
