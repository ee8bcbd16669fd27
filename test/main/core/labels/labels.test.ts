import { afterEach, describe, expect, it } from 'vitest';
import { postsCore, value } from '../posts/helpers';

let dispose: (() => Promise<void>) | undefined;
afterEach(async () => {
  await dispose?.();
  dispose = undefined;
});
async function setup() {
  const s = await postsCore([{ platform: 'x' }]);
  dispose = () => s.t.dispose();
  return s;
}

describe('labels', () => {
  it('create, list (by name), update', async () => {
    const { core } = await setup();
    const b = value(await core.invoke('labels:create', { name: 'beta', color: '#00FF00' }));
    const a = value(await core.invoke('labels:create', { name: 'Alpha', color: '#ff0000' }));
    expect(b.color).toBe('#00ff00');
    expect(value(await core.invoke('labels:list')).map((l) => l.name)).toEqual(['Alpha', 'beta']);
    const renamed = value(await core.invoke('labels:update', { id: a.id, name: 'Gamma' }));
    expect(renamed).toEqual({ id: a.id, name: 'Gamma', color: '#ff0000' });
    expect(value(await core.invoke('labels:list')).map((l) => l.name)).toEqual(['beta', 'Gamma']);
  });

  it('names are unique case-insensitively: a conflict on name', async () => {
    const { core } = await setup();
    const first = value(await core.invoke('labels:create', { name: 'Launch', color: '#000000' }));
    const dup = await core.invoke('labels:create', { name: 'LAUNCH', color: '#111111' });
    expect(!dup.ok && dup.error.code).toBe('conflict');
    expect(!dup.ok && dup.error.issues?.[0]?.path).toBe('name');
    const other = value(await core.invoke('labels:create', { name: 'Other', color: '#000000' }));
    const clash = await core.invoke('labels:update', { id: other.id, name: 'launch' });
    expect(!clash.ok && clash.error.code).toBe('conflict');
    // Changing only the case of its own name is fine.
    expect(value(await core.invoke('labels:update', { id: first.id, name: 'LAUNCH' })).name).toBe('LAUNCH');
  });

  it('names are trimmed and must not be empty; colours are #rrggbb', async () => {
    const { core } = await setup();
    expect(value(await core.invoke('labels:create', { name: '  Tips  ', color: '#abcdef' })).name).toBe('Tips');
    expect((await core.invoke('labels:create', { name: '   ', color: '#abcdef' })).ok).toBe(false);
    const r = await core.invoke('labels:create', { name: 'X', color: 'red' });
    expect(!r.ok && r.error.issues?.[0]?.path).toBe('color');
  });

  it('deleting a label removes it from its posts and emits posts:changed for them', async () => {
    const { core, events } = await setup();
    const keep = value(await core.invoke('labels:create', { name: 'Keep', color: '#000000' }));
    const drop = value(await core.invoke('labels:create', { name: 'Drop', color: '#000000' }));
    const { post } = value(await core.invoke('posts:create', { parts: [{ text: 'x' }], labelIds: [keep.id, drop.id], schedule: { mode: 'draft' } }));
    expect(post.labelIds).toEqual([drop.id, keep.id]);
    events.length = 0;
    expect(value(await core.invoke('labels:delete', { id: drop.id }))).toEqual({ id: drop.id });
    expect(value(await core.invoke('posts:get', { id: post.id })).labelIds).toEqual([keep.id]);
    expect(events).toEqual([{ ids: [post.id] }]);
  });

  it('a missing label is not_found for update and delete', async () => {
    const { core } = await setup();
    expect((await core.invoke('labels:update', { id: 'nope', name: 'x' })).ok || 'refused').toBe('refused');
    const r = await core.invoke('labels:delete', { id: 'nope' });
    expect(!r.ok && r.error.code).toBe('not_found');
  });
});
