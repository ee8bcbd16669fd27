import { readFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { FakeEvent } from '../../../test/main/shell/fakes';
import { cspProblems, hardenSession, hardenWebContents, isSafeExternalUrl, metaCsp } from './hardening';

class FakeContents extends EventEmitter {
  openHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }) {
    this.openHandler = handler;
  }
}

function hardened() {
  const contents = new FakeContents();
  const external: string[] = [];
  hardenWebContents(contents, (url) => external.push(url));
  return { contents, external };
}

describe('navigation and new windows', () => {
  it('every navigation is denied; an http(s) link goes to the system browser instead', () => {
    const { contents, external } = hardened();
    for (const url of ['https://example.com/a', 'http://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'outbox-evil://x']) {
      const event = new FakeEvent();
      contents.emit('will-navigate', event, url);
      expect(event.defaultPrevented).toBe(true);
    }
    expect(external).toEqual(['https://example.com/a', 'http://example.com/']);
  });

  it('new windows are denied; only http(s) URLs open externally', () => {
    const { contents, external } = hardened();
    for (const url of ['https://bsky.app/profile/x', 'file:///tmp/x.html', 'data:text/html,hi', 'smb://host/share', 'about:blank']) {
      expect(contents.openHandler!({ url })).toEqual({ action: 'deny' });
    }
    expect(external).toEqual(['https://bsky.app/profile/x']);
  });

  it('webviews cannot be attached', () => {
    const { contents } = hardened();
    const event = new FakeEvent();
    contents.emit('will-attach-webview', event);
    expect(event.defaultPrevented).toBe(true);
  });

  it('external URLs must be http(s) with a host', () => {
    expect(isSafeExternalUrl('https://mastodon.social/@me')).toBe(true);
    for (const url of ['ftp://x.org', 'mailto:a@b.c', 'http://', 'not a url', 'file://host/x', 'vbscript:x']) expect(isSafeExternalUrl(url)).toBe(false);
  });
});

describe('permissions', () => {
  it('every permission request and check is refused, but sanitized clipboard writes', () => {
    const answers: boolean[] = [];
    let request: Parameters<Parameters<typeof hardenSession>[0]['setPermissionRequestHandler']>[0] | null = null;
    let check: ((contents: unknown, permission: string) => boolean) | null = null;
    let device: ((details: unknown) => boolean) | null = null;
    hardenSession({
      setPermissionRequestHandler: (h) => (request = h),
      setPermissionCheckHandler: (h) => (check = h),
      setDevicePermissionHandler: (h) => (device = h),
    });
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen']) {
      request!(null, permission, (granted) => answers.push(granted), {});
      expect(check!(null, permission)).toBe(false);
    }
    expect(answers).toEqual([false, false, false, false, false, false]);
    expect(device!({})).toBe(false);
    request!(null, 'clipboard-sanitized-write', (granted) => answers.push(granted), {});
    expect(answers.at(-1)).toBe(true);
    expect(check!(null, 'clipboard-sanitized-write')).toBe(true);
    expect(check!(null, 'clipboard-read')).toBe(false);
  });
});

describe('Content-Security-Policy', () => {
  it('the page declares a strict CSP: scripts only from the app, no objects, no remote connections', () => {
    const html = readFileSync('src/renderer/index.html', 'utf8');
    const policy = metaCsp(html);
    expect(policy).not.toBeNull();
    expect(cspProblems(policy!)).toEqual([]);
  });

  it('the strictness check bites', () => {
    expect(cspProblems("default-src *; script-src 'self' 'unsafe-inline' 'unsafe-eval'; connect-src https:")).toEqual([
      "default-src must be 'self' or 'none'",
      "script-src must not allow 'unsafe-inline'",
      "script-src must not allow 'unsafe-eval'",
      "object-src must be 'none'",
      "base-uri must be 'none' or 'self'",
      'connect-src must not allow any host: the page talks to the engine over IPC only',
    ]);
    expect(metaCsp('<html><head></head></html>')).toBeNull();
  });
});
