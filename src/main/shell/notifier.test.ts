import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { Notification } from '../core/ports/ports';
import type { OpenTarget } from '../../shared/ipc/shell';
import { createOsNotifier, type OsNotificationOptions } from './notifier';

class FakeOsNotification extends EventEmitter {
  static all: FakeOsNotification[] = [];
  shown = false;
  constructor(readonly options: OsNotificationOptions) {
    super();
    FakeOsNotification.all.push(this);
  }
  show() {
    this.shown = true;
  }
}

function setup(supported = true) {
  FakeOsNotification.all = [];
  const opened: Array<OpenTarget | null> = [];
  const problems: Notification[] = [];
  const notifier = createOsNotifier({
    Notification: FakeOsNotification,
    isSupported: () => supported,
    icon: '/res/icon.png',
    open: (target) => opened.push(target),
    onProblem: (n) => problems.push(n),
  });
  return { notifier, opened, problems };
}

describe('OS notifier', () => {
  it('shows what the engine reports; clicking opens the post or the account', () => {
    const t = setup();
    t.notifier.notify({ kind: 'publish_failed', title: 'A post failed', body: 'Bluesky said no', target: { postId: 'p1' } });
    t.notifier.notify({ kind: 'account_needs_reconnect', title: 'Reconnect', body: '@me on Mastodon', target: { accountId: 'a1' } });
    t.notifier.notify({ kind: 'missed_posts', title: '2 posts missed', body: 'They wait for you' });
    const [failed, reconnect, missed] = FakeOsNotification.all;
    expect(failed!.options).toEqual({ title: 'A post failed', body: 'Bluesky said no', icon: '/res/icon.png', silent: false });
    expect(FakeOsNotification.all.every((n) => n.shown)).toBe(true);
    failed!.emit('click');
    reconnect!.emit('click');
    missed!.emit('click');
    expect(t.opened).toEqual([{ postId: 'p1' }, { accountId: 'a1' }, null]);
    expect(t.problems.map((p) => p.kind)).toEqual(['publish_failed', 'account_needs_reconnect', 'missed_posts']);
  });

  it('keeps shown notifications alive until clicked or closed (their click would be lost otherwise)', () => {
    const t = setup();
    t.notifier.notify({ kind: 'partially_published', title: 't', body: 'b', target: { postId: 'p' } });
    t.notifier.notify({ kind: 'info', title: 't', body: 'b' });
    expect(t.notifier.shown()).toBe(2);
    FakeOsNotification.all[0]!.emit('click');
    FakeOsNotification.all[1]!.emit('close');
    expect(t.notifier.shown()).toBe(0);
    expect(FakeOsNotification.all[1]!.options.silent).toBe(true);
    expect(t.problems.map((p) => p.kind)).toEqual(['partially_published']);
  });

  it('without OS notifications, problems still reach the tray and nothing throws', () => {
    const t = setup(false);
    t.notifier.notify({ kind: 'publish_failed', title: 't', body: 'b' });
    expect(FakeOsNotification.all).toHaveLength(0);
    expect(t.problems).toHaveLength(1);
  });
});
