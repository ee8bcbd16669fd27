// Upload progress while a post publishes, in Chromium against the browser harness: the engine's
// publish:progress events (from an adapter that uploads in steps the test releases) show on the
// post in the Posts view, on its calendar chip and in the read-only post, as a bar with words; the
// post settles to Published when the upload ends.
import { describe, expect, it } from 'vitest';
import type { PlatformAdapter, PublishContext } from '../../src/main/platforms/types';
import { TestCredentials } from '../support/publishing-fixture';
import { useApp } from './support/browser';
import { engine, expectNoSeriousA11yViolations, go, insertAccount } from './support/app';

const MB = 1024 * 1024;
const TOTAL = 50 * MB;

/** An adapter that reports upload progress when the test says how far the upload got. */
class SteppedUpload implements PlatformAdapter {
  readonly platform = 'bluesky' as const;
  readonly idempotent = true;
  private next: ((sent: number | 'done') => void) | null = null;
  private started!: () => void;
  readonly running = new Promise<void>((resolve) => (this.started = resolve));

  async publish(ctx: PublishContext) {
    this.started();
    ctx.reportProgress?.(0, TOTAL);
    for (;;) {
      const step = await new Promise<number | 'done'>((resolve) => (this.next = resolve));
      if (step === 'done') break;
      ctx.reportProgress?.(step, TOTAL);
    }
    ctx.reportProgress?.(TOTAL, TOTAL);
    return { platformPostId: 'at://post/1', platformUrl: 'https://bsky.app/profile/ada/post/1' };
  }

  /** Lets the upload reach `sent` bytes (or finish). */
  step(sent: number | 'done') {
    const next = this.next;
    this.next = null;
    next?.(sent);
  }
}

const upload = new SteppedUpload();

describe('upload progress', () => {
  const app = useApp({ core: { adapters: { bluesky: upload }, credentials: new TestCredentials() } });

  it('shows on the post in Posts, on the calendar chip and in the open post while it publishes', async () => {
    const { page, harness } = app;
    const account = insertAccount(harness, { platform: 'bluesky', handle: 'ada.bsky.social' });
    await app.reload();
    const created = await engine<{ post: { id: string } }>(harness, 'posts:create', { parts: [{ text: 'A long video going up', media: [] }], targets: [{ accountId: account }], schedule: { mode: 'now' } });
    await upload.running;
    // Wait until the adapter listens for the next step, then let it report 20 of 50 MB.
    await expect.poll(() => (upload as unknown as { next: unknown }).next !== null).toBe(true);
    upload.step(20 * MB);

    await go(page, 'Posts');
    const row = page.getByRole('listitem', { name: 'A long video going up' });
    const bar = row.getByRole('progressbar', { name: 'Uploading to Bluesky ada.bsky.social: 40%' });
    await bar.waitFor();
    expect(await bar.getAttribute('value')).toBe('0.4');
    await row.getByText('Uploading 20.0 of 50.0 MB (40%)').waitFor();
    await app.screenshot('posts-upload-progress');
    await expectNoSeriousA11yViolations(page, 'Posts with an upload in progress');

    await go(page, 'Calendar');
    await page.getByRole('progressbar', { name: 'Uploading: 40%' }).waitFor();

    // The open post follows the upload, then its outcome.
    await expect.poll(() => (upload as unknown as { next: unknown }).next !== null).toBe(true);
    upload.step(35 * MB);
    await page.getByRole('progressbar', { name: 'Uploading: 70%' }).waitFor();
    await go(page, 'Posts');
    await row.getByRole('button', { name: 'Open' }).click();
    const open = page.getByRole('dialog', { name: 'Post being published' });
    await open.getByRole('progressbar', { name: 'Uploading to Bluesky ada.bsky.social: 70%' }).waitFor();
    await expect.poll(() => (upload as unknown as { next: unknown }).next !== null).toBe(true);
    upload.step('done');
    // The open post turns into the published one as the engine reports it.
    const done = page.getByRole('dialog', { name: 'Published post' });
    await done.getByText('View on Bluesky').waitFor();
    expect(await done.getByRole('progressbar').count()).toBe(0);
    expect((await engine<{ status: string }>(harness, 'posts:get', { id: created.post.id })).status).toBe('published');
    await done.getByRole('button', { name: 'Done' }).click();
  });
});
