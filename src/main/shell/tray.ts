import type { Post } from '../../shared/domain';
import type { SchedulerState } from '../../shared/ipc/events';
import type { OpenTarget } from '../../shared/ipc/shell';
import type { Core } from '../core/create-core';
import { handOffMark } from '../../shared/platforms/hand-off-text';

/** What the tray icon shows. */
export type TrayState = 'idle' | 'publishing' | 'paused' | 'problem';
/** Every tray state, for the icon generator and its tests. */
export const TRAY_STATES: readonly TrayState[] = ['idle', 'publishing', 'paused', 'problem'];

/** One tray menu item, as Electron's `Menu.buildFromTemplate` takes it. */
export interface TrayMenuItem {
  label?: string;
  type?: 'normal' | 'separator';
  enabled?: boolean;
  click?: () => void;
}

/** The part of an Electron Tray the service drives. */
export interface TrayLike<Image, Menu> {
  setImage(image: Image): void;
  setToolTip(text: string): void;
  setContextMenu(menu: Menu | null): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

/** What the tray needs besides the Electron objects. */
export interface TrayDeps<Image, Menu> {
  tray: TrayLike<Image, Menu>;
  /** `Menu.buildFromTemplate`. */
  buildMenu(template: TrayMenuItem[]): Menu;
  /** The icon for a state (light/dark/template chosen by the caller). */
  image(state: TrayState): Image;
  core: Pick<Core, 'invoke' | 'on'>;
  now(): number;
  /** Shows Outbox, opening `target` in it when given. */
  open(target?: OpenTarget): void;
  quit(): void;
  /** macOS shows the menu on click; elsewhere a click opens the window. */
  platform: NodeJS.Platform;
  /** The OS locale for times (`app.getLocale()`); default: the runtime's. */
  locale?: string;
  log?(message: string, error?: unknown): void;
}

/** The tray service: its state, for tests and for the notifier's "problem" signal. */
export interface TrayService {
  /** Re-reads the next posts and settings and redraws (coalesced). */
  refresh(): Promise<void>;
  /** Marks that something needs the creator's attention until `acknowledge()`. */
  flagProblem(): void;
  /** The window was shown: the creator has seen the problem. */
  acknowledge(): void;
  state(): TrayState;
  tooltip(): string;
  menu(): TrayMenuItem[];
  /** Redraws the icon (the system theme changed). */
  redrawIcon(): void;
  dispose(): void;
}

const MAX_WORDS_CHARS = 40;

/** The first words of a post, on one line, cut at a word boundary. */
export function firstWords(post: Pick<Post, 'parts'>, max = MAX_WORDS_CHARS): string {
  const text = (post.parts[0]?.text ?? '').replace(/\s+/g, ' ').trim();
  if (text.length === 0) return '(no text)';
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/**
 * A post's time as the tray shows it, in the creator's time zone: "14:30" today, "Tue 14:30"
 * within the week, "31 Jan 14:30" after that.
 */
export function trayTime(iso: string, now: number, timeZone: string, locale?: string): string {
  const at = new Date(iso);
  const day = (t: Date) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(t);
  const time = new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit' }).format(at);
  if (day(at) === day(new Date(now))) return time;
  const days = (at.getTime() - now) / 86_400_000;
  if (days < 6) return `${new Intl.DateTimeFormat(locale, { timeZone, weekday: 'short' }).format(at)} ${time}`;
  return `${new Intl.DateTimeFormat(locale, { timeZone, day: 'numeric', month: 'short' }).format(at)} ${time}`;
}

// Windows and Linux read "&" in a menu label as a mnemonic marker.
const menuText = (text: string) => text.replace(/&/g, '&&');

/**
 * The tray: an icon for the scheduler's state, a tooltip with the next post's time, and a
 * menu with the next three posts, New post, Pause/Resume publishing, Open Outbox and Quit.
 * It follows `posts:changed`, `settings:changed` and `scheduler:state`.
 */
export function createTrayService<Image, Menu>(deps: TrayDeps<Image, Menu>): TrayService {
  let posts: Post[] | null = [];
  let timeZone = 'UTC';
  let pausedSetting = false;
  let scheduler: SchedulerState | null = null;
  let problem = false;
  let disposed = false;
  let running: Promise<void> | null = null;
  let again = false;
  let lastIcon: TrayState | null = null;

  const paused = () => scheduler?.paused ?? pausedSetting;
  const state = (): TrayState => {
    if (problem || (scheduler && !scheduler.online)) return 'problem';
    if (scheduler && scheduler.publishing > 0) return 'publishing';
    if (paused()) return 'paused';
    return 'idle';
  };

  const tooltip = (): string => {
    const lines = ['Outbox'];
    if (scheduler && scheduler.publishing > 0) lines.push(`Publishing ${scheduler.publishing === 1 ? '1 post' : `${scheduler.publishing} posts`}…`);
    if (scheduler && !scheduler.online) lines.push('Offline: posts wait for the network');
    if (paused()) lines.push('Publishing paused');
    if (problem) lines.push('Something needs your attention');
    const next = posts?.[0];
    if (next?.scheduledAt) {
      const held = handOffMark(next.entries);
      lines.push(`Next post: ${trayTime(next.scheduledAt, deps.now(), timeZone, deps.locale)}${held ? ` (${held}: goes out with this computer off)` : ''}`);
    }
    else if (posts) lines.push('No posts scheduled');
    // Windows cuts tooltips at 127 characters.
    return lines.join('\n').slice(0, 127);
  };

  const setPaused = async (value: boolean) => {
    const answer = await deps.core.invoke('settings:update', { publishingPaused: value });
    if (!answer.ok) deps.log?.(`could not ${value ? 'pause' : 'resume'} publishing: ${answer.error.message}`);
    else pausedSetting = answer.value.publishingPaused;
    render();
  };

  const menu = (): TrayMenuItem[] => {
    const items: TrayMenuItem[] = [];
    if (posts === null) items.push({ label: 'Next posts unavailable', enabled: false });
    else if (posts.length === 0) items.push({ label: 'No posts scheduled', enabled: false });
    else {
      items.push({ label: 'Next posts', enabled: false });
      for (const post of posts) {
        const when = post.scheduledAt ? trayTime(post.scheduledAt, deps.now(), timeZone, deps.locale) : '';
        // A post a platform's own scheduler holds goes out even with this computer off: said as in the app.
        const held = handOffMark(post.entries);
        items.push({ label: menuText(`${when}  ${firstWords(post)}${held ? `  · ${held}` : ''}`), click: () => deps.open({ postId: post.id }) });
      }
    }
    items.push({ type: 'separator' });
    items.push({ label: 'New post', click: () => deps.open({ view: 'composer' }) });
    items.push(paused() ? { label: 'Resume publishing', click: () => void setPaused(false) } : { label: 'Pause publishing', click: () => void setPaused(true) });
    items.push({ type: 'separator' });
    items.push({ label: 'Open Outbox', click: () => deps.open() });
    items.push({ label: 'Quit Outbox', click: () => deps.quit() });
    return items;
  };

  const render = () => {
    if (disposed) return;
    const now = state();
    if (now !== lastIcon) {
      deps.tray.setImage(deps.image(now));
      lastIcon = now;
    }
    deps.tray.setToolTip(tooltip());
    deps.tray.setContextMenu(deps.buildMenu(menu()));
  };

  const load = async () => {
    const settings = await deps.core.invoke('settings:get');
    if (settings.ok) {
      timeZone = settings.value.timeZone;
      pausedSetting = settings.value.publishingPaused;
    }
    const listed = await deps.core.invoke('posts:list', { status: 'scheduled', from: new Date(deps.now()).toISOString(), limit: 3 });
    if (listed.ok) posts = [...listed.value.posts].filter((p) => p.scheduledAt).sort((a, b) => a.scheduledAt!.localeCompare(b.scheduledAt!)).slice(0, 3);
    else {
      posts = null;
      deps.log?.(`tray: posts:list failed: ${listed.error.message}`);
    }
    render();
  };

  const refresh = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await load();
        } while (again && !disposed);
      } catch (error) {
        deps.log?.('tray refresh failed', error);
      } finally {
        running = null;
      }
    })();
    return running;
  };

  const unsubscribe = [
    deps.core.on('posts:changed', () => void refresh()),
    deps.core.on('settings:changed', () => void refresh()),
    deps.core.on('scheduler:state', (next) => {
      scheduler = next;
      render();
    }),
  ];
  if (deps.platform !== 'darwin') deps.tray.on('click', () => deps.open());
  render();
  void refresh();

  return {
    refresh,
    flagProblem() {
      problem = true;
      render();
    },
    acknowledge() {
      if (!problem) return;
      problem = false;
      render();
    },
    state,
    tooltip,
    menu,
    redrawIcon() {
      lastIcon = null;
      render();
    },
    dispose() {
      disposed = true;
      for (const off of unsubscribe) off();
      deps.tray.destroy();
    },
  };
}
