/** True for a URL the system browser may open: http(s) only, never file:, javascript:, custom schemes. */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.hostname.length > 0;
  } catch {
    return false;
  }
}

/** The navigation event Electron passes to `will-navigate` and friends. */
export interface NavigationEventLike {
  preventDefault(): void;
}

/** The part of a webContents the hardening touches. */
export interface HardenableContents {
  // Electron's overloads take different listener types per event; one signature cannot match them all
  // (any: each listener is typed where it is registered).
  on(event: string, listener: (...args: any[]) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/**
 * Denies every navigation away from the loaded page and every new window. A link to an
 * http(s) page opens in the system browser instead; anything else is dropped.
 */
export function hardenWebContents(contents: HardenableContents, openExternal: (url: string) => void): void {
  const toBrowser = (url: string) => {
    if (isSafeExternalUrl(url)) openExternal(url);
  };
  contents.on('will-navigate', (event: NavigationEventLike, url: string) => {
    event.preventDefault();
    toBrowser(url);
  });
  contents.on('will-attach-webview', (event: NavigationEventLike) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    toBrowser(url);
    return { action: 'deny' };
  });
}

/** The part of a session the hardening touches. */
export interface HardenableSession {
  setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void;
  setDevicePermissionHandler?(handler: (details: unknown) => boolean): void;
}

/**
 * The one permission the page keeps: writing plain text to the clipboard ("Copy link", copying
 * the local API token). Chromium sanitizes it and it cannot read anything back.
 */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/**
 * Outbox needs no other browser permission (camera, geolocation, notifications from the page...):
 * the OS notifications come from the main process. Every other request and check is refused.
 */
export function hardenSession(session: HardenableSession): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => callback(ALLOWED_PERMISSIONS.has(permission)));
  session.setPermissionCheckHandler((_contents, permission) => ALLOWED_PERMISSIONS.has(permission));
  session.setDevicePermissionHandler?.(() => false);
}

/** A problem found in a Content-Security-Policy, for the "CSP present and strict" check. */
export function cspProblems(policy: string): string[] {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), values);
  }
  const problems: string[] = [];
  const defaultSrc = directives.get('default-src');
  if (!defaultSrc || !defaultSrc.every((v) => v === "'self'" || v === "'none'")) problems.push("default-src must be 'self' or 'none'");
  const scriptSrc = directives.get('script-src') ?? defaultSrc ?? [];
  for (const bad of ["'unsafe-inline'", "'unsafe-eval'", "'wasm-unsafe-eval'", '*', 'http:', 'https:', 'data:', 'blob:']) {
    if (scriptSrc.includes(bad)) problems.push(`script-src must not allow ${bad}`);
  }
  if (directives.get('object-src')?.join(' ') !== "'none'") problems.push("object-src must be 'none'");
  const base = directives.get('base-uri')?.join(' ');
  if (base !== "'none'" && base !== "'self'") problems.push("base-uri must be 'none' or 'self'");
  const connect = directives.get('connect-src') ?? defaultSrc ?? [];
  if (connect.some((v) => v === '*' || v === 'http:' || v === 'https:')) problems.push('connect-src must not allow any host: the page talks to the engine over IPC only');
  return problems;
}

/** The Content-Security-Policy of an HTML document's meta tag, or null. */
export function metaCsp(html: string): string | null {
  const match = /<meta\s+http-equiv=(["'])Content-Security-Policy\1\s+content=(["'])(.*?)\2/is.exec(html);
  return match ? match[3]!.replace(/\s+/g, ' ').trim() : null;
}
