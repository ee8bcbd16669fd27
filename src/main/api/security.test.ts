import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/ports/doubles';
import { ApiError } from './api-error';
import { bearerToken, createRateLimiter, isAllowedHost, tokensMatch } from './security';

describe('request checks', () => {
  it('only 127.0.0.1:<port> and localhost:<port> are accepted hosts', () => {
    expect(isAllowedHost('127.0.0.1:7787', 7787)).toBe(true);
    expect(isAllowedHost('LOCALHOST:7787', 7787)).toBe(true);
    for (const host of [undefined, '', '127.0.0.1', '127.0.0.1:7788', 'localhost.evil.test:7787', 'evil.test:7787', '0.0.0.0:7787']) {
      expect(isAllowedHost(host, 7787)).toBe(false);
    }
  });

  it('tokens match only when equal, whatever their lengths', () => {
    expect(tokensMatch('obx_abc', 'obx_abc')).toBe(true);
    expect(tokensMatch('obx_abd', 'obx_abc')).toBe(false);
    expect(tokensMatch('obx_ab', 'obx_abc')).toBe(false);
    expect(tokensMatch('', 'obx_abc')).toBe(false);
  });

  it('reads the token of a Bearer header only', () => {
    expect(bearerToken('Bearer obx_1')).toBe('obx_1');
    expect(bearerToken('bearer  obx_1')).toBe('obx_1');
    expect(bearerToken('Basic b2J4')).toBeNull();
    expect(bearerToken('Bearer a b')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });

  it('the rate limit refuses past its count and opens again after a minute', async () => {
    const clock = new ManualClock();
    const limiter = createRateLimiter(clock, 2);
    limiter.take();
    limiter.take();
    expect(() => limiter.take()).toThrow(ApiError);
    await clock.advance(59_000);
    expect(() => limiter.take()).toThrow(/Retry in 1 s/);
    await clock.advance(1_000);
    expect(() => limiter.take()).not.toThrow();
  });
});
