import { describe, expect, it } from 'vitest';
import type { Post } from '../../shared/domain';
import type { EventMap, EventName } from '../../shared/ipc/events';
import type { OpenTarget } from '../../shared/ipc/shell';
import { fail, ok, type Result } from '../../shared/result';
import { makeTestCore } from '../../../test/support/core';
import { flushPromises } from '../core/ports/doubles';
import type { Core } from '../core/create-core';
import { createTrayService, firstWords, trayTime, type TrayMenuItem, type TrayState } from './tray';

const NOW = Date.parse('2026-03-02T09:00:00.000Z'); // a Monday

function post(id: string, at: string, text: string): Post {
  return { id, status: 'scheduled', scheduledAt: at, parts: [{ text, media: [] }], labelIds: [], entries: [], repeat: null, overdue: false, createdAt: at, updatedAt: at, publishedAt: null, calendarAt: at };
}

/** A fake engine answering the channels the tray uses, with the posts:list contract. */
class FakeCore {
  posts: Post[] = [];
  settings = { timeZone: 'UTC', publishingPaused: false };
  listBuilt = true;
  readonly calls: Array<[string, unknown]> = [];
  private listeners = new Map<string, Set<(payload: unknown) => void>>();
  readonly invoke = (async (channel: string, payload?: unknown): Promise<Result<unknown>> => {
    this.calls.push([channel, payload]);
    if (channel === 'settings:get') return ok({ ...this.settings });
    if (channel === 'settings:update') {
      Object.assign(this.settings, payload);
      this.emit('settings:changed', { keys: Object.keys(payload as object) });
      return ok({ ...this.settings });
    }
    if (channel === 'posts:list') {
      if (!this.listBuilt) return fail('internal', 'posts:list is not built yet');
      const { from, limit, status } = payload as { from: string; limit: number; status: string };
      const found = this.posts.filter((p) => p.status === status && p.scheduledAt! >= from).sort((a, b) => a.scheduledAt!.localeCompare(b.scheduledAt!));
      return ok({ posts: found.slice(0, limit), total: found.length });
    }
    return fail('not_found', `no ${channel}`);
  }) as unknown as Core['invoke'];
  readonly on = (<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void) => {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener as (payload: unknown) => void);
    this.listeners.set(event, set);
    return () => void set.delete(listener as (payload: unknown) => void);
  }) as Core['on'];
  emit<E extends EventName>(event: E, payload: EventMap[E]) {
    for (const listener of this.listeners.get(event) ?? []) listener(payload);
  }
  listenerCount() {
    return [...this.listeners.values()].reduce((n, s) => n + s.size, 0);
  }
}

class FakeTray {
  image: string | null = null;
  tooltip = '';
  menu: TrayMenuItem[] | null = null;
  destroyed = false;
  clickListener: (() => void) | null = null;
  setImage(image: string) {
    this.image = image;
  }
  setToolTip(text: string) {
    this.tooltip = text;
  }
  setContextMenu(menu: TrayMenuItem[] | null) {
    this.menu = menu;
  }
  on(_event: 'click', listener: () => void) {
    this.clickListener = listener;
  }
  destroy() {
    this.destroyed = true;
  }
}

function setup(core: Pick<Core, 'invoke' | 'on'>, platform: NodeJS.Platform = 'linux') {
  const tray = new FakeTray();
  const opened: Array<OpenTarget | undefined> = [];
  let quits = 0;
  const service = createTrayService<string, TrayMenuItem[]>({
    tray,
    buildMenu: (template) => template,
    image: (state: TrayState) => `icon:${state}`,
    core,
    now: () => NOW,
    open: (target) => opened.push(target),
    quit: () => quits++,
    platform,
    locale: 'en-GB',
  });
  const labels = () => tray.menu!.map((item) => item.label ?? '---');
  const click = (label: string) => tray.menu!.find((item) => item.label === label)!.click!();
  return { tray, service, opened, quits: () => quits, labels, click };
}

describe('tray menu', () => {
  it('lists the next three scheduled posts in local time with their first words; clicking one opens it', async () => {
    const core = new FakeCore();
    core.settings.timeZone = 'Europe/Paris';
    core.posts = [
      post('p4', '2026-03-20T08:00:00.000Z', 'Too far down the list'),
      post('p1', '2026-03-02T13:30:00.000Z', 'Launch day & party: the new release is out, come and see what changed'),
      post('p3', '2026-03-04T08:00:00.000Z', '   '),
      post('p2', '2026-03-03T17:05:00.000Z', 'Short one'),
      post('old', '2026-03-01T08:00:00.000Z', 'Already past'),
    ];
    const t = setup(core);
    await t.service.refresh();
    expect(core.calls).toContainEqual(['posts:list', { status: 'scheduled', from: '2026-03-02T09:00:00.000Z', limit: 3 }]);
    expect(t.labels()).toEqual([
      'Next posts',
      '14:30  Launch day && party: the new release is…',
      'Tue 18:05  Short one',
      'Wed 09:00  (no text)',
      '---',
      'New post',
      'Pause publishing',
      '---',
      'Open Outbox',
      'Quit Outbox',
    ]);
    t.click('Tue 18:05  Short one');
    expect(t.opened).toEqual([{ postId: 'p2' }]);
    expect(t.tray.tooltip).toBe('Outbox\nNext post: 14:30');
  });

  it('marks the posts a platform holds: they go out with this computer off', async () => {
    const core = new FakeCore();
    const entry = (platform: 'mastodon' | 'bluesky', status: 'handed_off' | 'pending') => ({
      id: `${platform}-e`, accountId: `${platform}-a`, platform, contentType: 'post', enabled: true, status, platformPostId: null, platformUrl: null, errorMessage: null,
      settings: {}, textOverride: null, handOff: 'auto' as const, remote: status === 'handed_off' ? { id: '42', at: '2026-03-02T13:30:00.000Z' } : null, remoteNote: null, threadMode: null, attempts: [],
    });
    core.posts = [
      { ...post('p1', '2026-03-02T13:30:00.000Z', 'Held by Mastodon'), entries: [entry('mastodon', 'handed_off'), entry('bluesky', 'pending')] },
      { ...post('p2', '2026-03-02T15:00:00.000Z', 'Sent by Outbox'), entries: [entry('bluesky', 'pending')] },
    ];
    const t = setup(core);
    await t.service.refresh();
    expect(t.labels().slice(0, 3)).toEqual(['Next posts', '13:30  Held by Mastodon  · handed to Mastodon', '15:00  Sent by Outbox']);
    expect(t.tray.tooltip).toBe('Outbox\nNext post: 13:30 (handed to Mastodon: goes out with this computer off)');
  });

  it('follows changes: a new post appears after posts:changed, the scheduler state changes the icon', async () => {
    const core = new FakeCore();
    const t = setup(core);
    await t.service.refresh();
    expect(t.labels()[0]).toBe('No posts scheduled');
    expect(t.tray.tooltip).toBe('Outbox\nNo posts scheduled');
    expect(t.tray.image).toBe('icon:idle');
    core.posts = [post('p1', '2026-03-12T10:00:00.000Z', 'Hello')];
    core.emit('posts:changed', { ids: ['p1'] });
    await flushPromises();
    expect(t.labels().slice(0, 2)).toEqual(['Next posts', '12 Mar 10:00  Hello']);
    core.emit('scheduler:state', { paused: false, online: true, publishing: 2, nextDueAt: null });
    expect(t.tray.image).toBe('icon:publishing');
    expect(t.tray.tooltip).toContain('Publishing 2 posts');
    core.emit('scheduler:state', { paused: false, online: false, publishing: 0, nextDueAt: null });
    expect(t.tray.image).toBe('icon:problem');
    core.emit('scheduler:state', { paused: true, online: true, publishing: 0, nextDueAt: null });
    expect(t.tray.image).toBe('icon:paused');
    expect(t.labels()).toContain('Resume publishing');
  });

  it('shows the problem state after a failure notification until the window is shown', async () => {
    const t = setup(new FakeCore());
    await t.service.refresh();
    t.service.flagProblem();
    expect(t.tray.image).toBe('icon:problem');
    expect(t.tray.tooltip).toContain('needs your attention');
    t.service.acknowledge();
    expect(t.tray.image).toBe('icon:idle');
  });

  it('says when the posts cannot be listed instead of showing an empty schedule', async () => {
    const core = new FakeCore();
    core.listBuilt = false;
    const t = setup(core);
    await t.service.refresh();
    expect(t.labels()[0]).toBe('Next posts unavailable');
  });

  it('New post opens the composer, Open Outbox the window, Quit quits; a click opens the window except on macOS', async () => {
    const t = setup(new FakeCore());
    await t.service.refresh();
    t.click('New post');
    t.click('Open Outbox');
    t.tray.clickListener!();
    t.click('Quit Outbox');
    expect(t.opened).toEqual([{ view: 'composer' }, undefined, undefined]);
    expect(t.quits()).toBe(1);
    const mac = setup(new FakeCore(), 'darwin');
    expect(mac.tray.clickListener).toBeNull();
  });

  it('dispose stops following the engine and removes the icon', async () => {
    const core = new FakeCore();
    const t = setup(core);
    await t.service.refresh();
    t.service.dispose();
    expect(core.listenerCount()).toBe(0);
    expect(t.tray.destroyed).toBe(true);
  });
});

describe('tray pause and resume', () => {
  it('reach the engine: publishingPaused is stored and the menu flips', async () => {
    const t0 = await makeTestCore();
    try {
      const t = setup(t0.core);
      await t.service.refresh();
      t.click('Pause publishing');
      await flushPromises();
      expect(await t0.core.invoke('settings:get')).toMatchObject({ ok: true, value: { publishingPaused: true } });
      await t.service.refresh();
      expect(t.labels()).toContain('Resume publishing');
      expect(t.tray.tooltip).toContain('Publishing paused');
      t.click('Resume publishing');
      await flushPromises();
      expect(await t0.core.invoke('settings:get')).toMatchObject({ ok: true, value: { publishingPaused: false } });
      await t.service.refresh();
      expect(t.labels()).toContain('Pause publishing');
      t.service.dispose();
    } finally {
      await t0.dispose();
    }
  });
});

describe('tray text', () => {
  it('first words are cut at a word boundary on one line', () => {
    expect(firstWords({ parts: [{ text: 'one\ntwo   three', media: [] }] })).toBe('one two three');
    expect(firstWords({ parts: [{ text: 'a'.repeat(60), media: [] }] })).toBe(`${'a'.repeat(40)}…`);
  });

  it('times are in the creator time zone: today as a time, this week with the day, later with the date', () => {
    expect(trayTime('2026-03-02T23:30:00.000Z', NOW, 'UTC', 'en-GB')).toBe('23:30');
    expect(trayTime('2026-03-02T23:30:00.000Z', NOW, 'Europe/Paris', 'en-GB')).toBe('Tue 00:30');
    expect(trayTime('2026-04-01T08:00:00.000Z', NOW, 'UTC', 'en-GB')).toBe('1 Apr 08:00');
  });
});
