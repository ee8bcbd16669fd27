import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/ports/doubles';
import { createNetworkPort, createOpenBrowser, createPowerPort, NETWORK_POLL_MS } from './os-ports';

class FakePowerMonitor extends EventEmitter {}

describe('power port', () => {
  it('suspend, resume and unlock-screen reach the engine as suspend and resume; unsubscribe stops them', () => {
    const monitor = new FakePowerMonitor();
    const seen: string[] = [];
    const off = createPowerPort(monitor).subscribe((event) => seen.push(event));
    monitor.emit('suspend');
    monitor.emit('resume');
    monitor.emit('unlock-screen');
    expect(seen).toEqual(['suspend', 'resume', 'resume']);
    off();
    monitor.emit('resume');
    expect(seen).toHaveLength(3);
    expect(monitor.listenerCount('resume') + monitor.listenerCount('suspend') + monitor.listenerCount('unlock-screen')).toBe(0);
  });
});

describe('network port', () => {
  it('asks when asked (isOnline, check) and polls only while offline with the engine waiting', async () => {
    const net = { online: true, isOnline() {
      return this.online;
    } };
    const clock = new ManualClock();
    const port = createNetworkPort(net, clock);
    const seen: boolean[] = [];
    const off = port.subscribe((online) => seen.push(online));
    // Online, or nobody waiting: no timer at all.
    expect(clock.pending()).toBe(0);
    net.online = false;
    expect(port.isOnline()).toBe(false);
    expect(seen).toEqual([false]);
    expect(clock.pending()).toBe(0);
    // The engine waits for the network: the port polls until it is back.
    port.watch!(true);
    expect(clock.pending()).toBe(1);
    await clock.advance(NETWORK_POLL_MS * 3);
    expect(seen).toEqual([false]);
    net.online = true;
    await clock.advance(NETWORK_POLL_MS);
    expect(seen).toEqual([false, true]);
    expect(clock.pending()).toBe(0);
    net.online = false;
    port.check();
    expect(seen).toEqual([false, true, false]);
    expect(clock.pending()).toBe(1);
    port.watch!(false);
    expect(clock.pending()).toBe(0);
    off();
  });
});

describe('browser port', () => {
  it('opens only http(s) pages', async () => {
    const opened: string[] = [];
    const open = createOpenBrowser(async (url) => void opened.push(url));
    await open('https://x.com/i/oauth2/authorize?client_id=1');
    await expect(open('file:///etc/passwd')).rejects.toThrow(/only http\(s\)/);
    expect(opened).toEqual(['https://x.com/i/oauth2/authorize?client_id=1']);
  });
});
