import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Account, PlatformId, Post } from '../../../src/shared/domain';
import type { Harness } from '../../harness/server';

const require = createRequire(import.meta.url);

/**
 * Puts an account straight into the database, as if it had been connected (no platform server
 * needed): the UI tests that are not about connecting use it. The engine hears of it through
 * accounts:changed only when the test asks the page to reload.
 */
export function insertAccount(harness: Harness, account: { platform: PlatformId; handle: string; displayName?: string; connection?: Account['connection']; active?: boolean; instanceUrl?: string }): string {
  const db = new Database(join(harness.dataDir, 'outbox.db'));
  try {
    const id = randomUUID();
    const now = Date.now();
    db.prepare(
      `INSERT INTO accounts (id, platform, platform_user_id, handle, display_name, avatar_url, instance_url, active, connection, meta, created_at, updated_at)
       VALUES (@id, @platform, @puid, @handle, @displayName, NULL, @instanceUrl, @active, @connection, '{}', @now, @now)`,
    ).run({
      id,
      platform: account.platform,
      puid: `${account.platform}-${account.handle}`,
      handle: account.handle,
      displayName: account.displayName ?? account.handle.replace(/^@/, ''),
      instanceUrl: account.instanceUrl ?? '',
      active: account.active === false ? 0 : 1,
      connection: account.connection ?? 'connected',
      now,
    });
    return id;
  } finally {
    db.close();
  }
}

/** Calls the engine directly and returns the value (fails the test on an error). */
export async function engine<T = unknown>(harness: Harness, channel: string, payload?: unknown): Promise<T> {
  // The harness core is typed per channel; the tests pass literal payloads.
  const result = (await harness.core.invoke(channel as never, payload as never)) as { ok: boolean; value?: T; error?: unknown };
  if (!result.ok) throw new Error(`${channel} failed: ${JSON.stringify(result.error)}`);
  return result.value as T;
}

/** Every post the engine has (up to 100). */
export async function allPosts(harness: Harness): Promise<Post[]> {
  return (await engine<{ posts: Post[] }>(harness, 'posts:list', { limit: 100 })).posts;
}

/** Goes to a main view through the sidebar. */
export async function go(page: Page, view: 'Calendar' | 'Posts' | 'Accounts' | 'Settings') {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: view, exact: true }).click();
  await page.getByRole('heading', { level: 1 }).first().waitFor();
}

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core on the page; fails on serious or critical violations, naming them. */
export async function expectNoSeriousA11yViolations(page: Page, where: string) {
  // page.evaluate runs through the DevTools protocol, so the page's CSP does not block axe.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    // The node tsconfig has no DOM types: name what this callback touches in the page.
    const page = globalThis as unknown as { document: unknown; axe: { run: (ctx: unknown, opts: object) => Promise<{ violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }> }> } };
    const result = await page.axe.run(page.document, { resultTypes: ['violations'] });
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
  expect(violations, `axe on ${where}`).toEqual([]);
}

/** The zone's wall-clock date `days` from now (yyyy-MM-dd). */
export function dateInZone(zone: string, days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(Date.now() + days * 86_400_000);
}

/** `Tuesday 24 November 2026` for a yyyy-MM-dd date, as the calendar labels its days. */
export function longDay(date: string): string {
  const d = new Date(`${date}T12:00:00Z`);
  const weekday = d.toLocaleDateString('en-GB', { weekday: 'long', timeZone: 'UTC' });
  const month = d.toLocaleDateString('en-GB', { month: 'long', timeZone: 'UTC' });
  return `${weekday} ${d.getUTCDate()} ${month} ${d.getUTCFullYear()}`;
}

/** Drags with the mouse from the centre of one element to the centre of another, in steps (dnd-kit needs real moves). */
export async function dragTo(page: Page, from: { boundingBox(): Promise<{ x: number; y: number; width: number; height: number } | null> }, to: { boundingBox(): Promise<{ x: number; y: number; width: number; height: number } | null> }) {
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 8, a.y + a.height / 2 + 4, { steps: 4 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.move(b.x + b.width / 2 + 1, b.y + b.height / 2 + 1, { steps: 2 });
  await page.mouse.up();
}

/** Sets a post's state straight in the database (what publishing would have done), for views that show outcomes. */
export function setOutcome(harness: Harness, postId: string, outcome: { status: Post['status']; entryStatus: 'published' | 'failed'; url?: string; error?: string }) {
  const db = new Database(join(harness.dataDir, 'outbox.db'));
  try {
    const now = Date.now();
    db.prepare('UPDATE posts SET status = @status, published_at = @publishedAt, updated_at = @now WHERE id = @id').run({
      id: postId,
      status: outcome.status,
      publishedAt: outcome.entryStatus === 'published' ? now : null,
      now,
    });
    db.prepare('UPDATE entries SET status = @status, platform_url = @url, error_message = @error WHERE post_id = @id').run({
      id: postId,
      status: outcome.entryStatus,
      url: outcome.url ?? null,
      error: outcome.error ?? null,
    });
  } finally {
    db.close();
  }
}

/** What one interactive element looked like with and without keyboard focus. */
interface RingCheck {
  name: string;
  reached: boolean;
  ring: boolean;
}

/**
 * Tabs through every interactive element inside `scope` (the page, or the open dialog) and
 * checks each shows a focus ring: its computed outline or box-shadow differs between focused and
 * unfocused, and the ring is a visible outline of 2px or more or a box-shadow. An element drawn
 * invisible (a radio under its label) is judged by its label. Fails naming the elements without.
 */
export async function expectFocusRings(page: Page, where: string, scope = 'body') {
  await page.mouse.move(1, 1);
  const total = await page.evaluate((scopeSelector) => {
    // The node tsconfig has no DOM types: name what this callback touches in the page.
    type El = { matches(s: string): boolean; getClientRects(): { length: number }; closest(s: string): El | null; parentElement: El | null; setAttribute(n: string, v: string): void; getAttribute(n: string): string | null; textContent: string | null; blur(): void; getBoundingClientRect(): { width: number; height: number } };
    const g = globalThis as unknown as { document: { querySelector(s: string): { querySelectorAll(s: string): El[] } | null; querySelectorAll(s: string): unknown; activeElement: El | null }; getComputedStyle(el: El): { outlineStyle: string; outlineWidth: string; outlineColor: string; boxShadow: string; opacity: string; visibility: string }; __rings: Record<string, string> };
    const root = g.document.querySelector(scopeSelector);
    if (!root) throw new Error(`no ${scopeSelector}`);
    const selector = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';
    const holder = (el: El) => {
      const style = g.getComputedStyle(el);
      const box = el.getBoundingClientRect();
      return style.opacity === '0' || box.width <= 1 ? (el.closest('label') ?? el.parentElement ?? el) : el;
    };
    const look = (el: El) => {
      const s = g.getComputedStyle(holder(el));
      return `${s.outlineStyle} ${s.outlineStyle === 'none' ? '' : `${s.outlineWidth} ${s.outlineColor}`}|${s.boxShadow}`;
    };
    g.document.activeElement?.blur();
    for (const old of g.document.querySelectorAll('[data-ring]') as unknown as Array<{ removeAttribute(n: string): void }>) old.removeAttribute('data-ring');
    g.__rings = {};
    // Tab stops once per radio group (on its checked radio); arrows move within it.
    // Inside a closed <details>, only its summary can take focus.
    const hiddenInDetails = (el: El) => {
      const details = el.closest('details:not([open])');
      return !!details && !(el.matches('summary') && el.parentElement === details);
    };
    const radioSkipped = (el: El) => el.matches('input[type="radio"]:not(:checked)') && !!el.closest('[role="radiogroup"], fieldset');
    // Likewise once per tablist, on its selected tab (roving tabindex, WAI-ARIA tabs pattern).
    const tabSkipped = (el: El) => el.matches('[role="tab"][tabindex="-1"]') && !!el.closest('[role="tablist"]');
    const elements = [...root.querySelectorAll(selector)].filter((el) => el.getClientRects().length > 0 && g.getComputedStyle(el).visibility !== 'hidden' && !el.closest('[inert]') && !radioSkipped(el) && !tabSkipped(el) && !hiddenInDetails(el));
    elements.forEach((el, i) => {
      el.setAttribute('data-ring', String(i));
      g.__rings[String(i)] = look(el);
    });
    return elements.length;
  }, scope);
  const seen = new Map<number, RingCheck>();
  for (let press = 0; press < total * 4 + 12 && seen.size < total; press++) {
    await page.keyboard.press('Tab');
    const now = await page.evaluate(() => {
      type El = { getAttribute(n: string): string | null; closest(s: string): El | null; parentElement: El | null; textContent: string | null; getBoundingClientRect(): { width: number } };
      const g = globalThis as unknown as { document: { activeElement: El | null }; getComputedStyle(el: El): { outlineStyle: string; outlineWidth: string; outlineColor: string; boxShadow: string; opacity: string }; __rings: Record<string, string> };
      const el = g.document.activeElement;
      const index = el?.getAttribute('data-ring');
      if (!el || index === null || index === undefined) return null;
      const style = g.getComputedStyle(el);
      const holder = style.opacity === '0' || el.getBoundingClientRect().width <= 1 ? (el.closest('label') ?? el.parentElement ?? el) : el;
      const s = g.getComputedStyle(holder);
      const look = `${s.outlineStyle} ${s.outlineStyle === 'none' ? '' : `${s.outlineWidth} ${s.outlineColor}`}|${s.boxShadow}`;
      const visible = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none';
      const name = el.getAttribute('aria-label') ?? (el.textContent ?? '').trim().slice(0, 40) ?? el.getAttribute('id') ?? '?';
      return { index: Number(index), name: `${name} (${el.getAttribute('id') ?? ''})`, ring: look !== g.__rings[index] && visible };
    });
    if (now && !seen.has(now.index)) seen.set(now.index, { name: now.name, reached: true, ring: now.ring });
  }
  const without = [...seen.values()].filter((c) => !c.ring).map((c) => c.name);
  expect(without, `focus rings missing on ${where}`).toEqual([]);
  // Everything interactive was reached by Tab (nothing is mouse-only).
  const unreached = await page.evaluate((reached) => {
    type El = { getAttribute(n: string): string | null; textContent: string | null; tagName: string };
    const g = globalThis as unknown as { document: { querySelectorAll(s: string): El[] } };
    return [...g.document.querySelectorAll('[data-ring]')].filter((el) => !reached.includes(Number(el.getAttribute('data-ring')))).map((el) => `${el.tagName} ${el.getAttribute('aria-label') ?? (el.textContent ?? '').trim().slice(0, 40)} ${el.getAttribute('id') ?? ''}`);
  }, [...seen.keys()]);
  expect(unreached, `elements not reached by Tab on ${where}`).toEqual([]);
  return total;
}
