import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useUiStore } from './ui.store';

// The toast's Undo window is what keeps a deleted post: it must end exactly once, and never
// after the creator took one of its actions.
describe('toasts', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    useUiStore.setState({ toasts: [] });
  });
  afterEach(() => vi.useRealTimers());

  it('ends its window once when the time is up, and then is gone', () => {
    const onExpire = vi.fn();
    useUiStore.getState().toast('Deleted', 'info', { duration: 6000, onExpire, actions: [{ label: 'Undo', run: () => {} }] });
    vi.advanceTimersByTime(5999);
    expect(onExpire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onExpire).toHaveBeenCalledTimes(1);
    expect(useUiStore.getState().toasts).toEqual([]);
    vi.advanceTimersByTime(60_000);
    expect(onExpire).toHaveBeenCalledTimes(1);
  });

  it('taking an action removes it without ending the window; dismissing it ends the window at once', () => {
    const kept = vi.fn();
    const id = useUiStore.getState().toast('Deleted A', 'info', { duration: 6000, onExpire: kept });
    useUiStore.getState().dismissToast(id);
    vi.advanceTimersByTime(10_000);
    expect(kept).not.toHaveBeenCalled();
    const gone = vi.fn();
    const other = useUiStore.getState().toast('Deleted B', 'info', { duration: 6000, onExpire: gone });
    useUiStore.getState().dismissToast(other, true);
    expect(gone).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10_000);
    expect(gone).toHaveBeenCalledTimes(1);
  });

  it('waits while held (pointer or keyboard on it) and resumes with the time that was left', () => {
    const onExpire = vi.fn();
    const id = useUiStore.getState().toast('Deleted', 'info', { duration: 6000, onExpire });
    vi.advanceTimersByTime(4000);
    useUiStore.getState().holdToast(id, true);
    vi.advanceTimersByTime(60_000);
    expect(onExpire).not.toHaveBeenCalled();
    useUiStore.getState().holdToast(id, false);
    vi.advanceTimersByTime(1999);
    expect(onExpire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onExpire).toHaveBeenCalledTimes(1);
  });

  it('a fourth toast pushes out the oldest, whose window ends then (its delete goes ahead)', () => {
    const first = vi.fn();
    useUiStore.getState().toast('one', 'info', { onExpire: first });
    useUiStore.getState().toast('two');
    useUiStore.getState().toast('three');
    expect(first).not.toHaveBeenCalled();
    useUiStore.getState().toast('four');
    expect(first).toHaveBeenCalledTimes(1);
    expect(useUiStore.getState().toasts.map((t) => t.text)).toEqual(['two', 'three', 'four']);
  });
});
