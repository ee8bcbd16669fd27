// The resumable upload fake in its own process for the media bench, so the uploader's memory is
// measured alone. Prints its URL, then stats as JSON on stdin "stats"; exits on SIGTERM.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startResumableFake } from '../test/fakes/resumable-upload';

const dir = mkdtempSync(join(tmpdir(), 'outbox-bench-fake-'));
// Neither a second copy on disk nor a hash: on two cores the fake would otherwise set the pace.
// It still checks every chunk starts where the last ended and counts every byte.
const fake = await startResumableFake({ dir, token: 'bench', keepBytes: false, hash: false });
process.stdout.write(`${fake.url}\n`);
process.stdin.on('data', (d: Buffer) => {
  if (d.toString().trim() !== 'stats') return;
  let session: unknown = null;
  try {
    session = fake.session();
  } catch {
    // No session yet.
  }
  process.stdout.write(`${JSON.stringify({ stats: fake.stats, session })}\n`);
});
process.on('SIGTERM', () => {
  void fake.close().then(() => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
});
