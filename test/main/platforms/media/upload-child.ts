// An uploader as a separate process for the upload crash test: started, SIGKILLed in the middle
// of chunks, restarted with the same progress file. Bundled with esbuild by the test.
// Usage: node child.mjs <bytes|segments> <file> <progressFile> <serverUrl> <token>
import { fileProgressStore } from '../../../support/file-progress';
import { xUpload, youtubeUpload } from './clients';

const [mode, file, progressFile, url, token] = process.argv.slice(2) as [string, string, string, string, string];
const progress = fileProgressStore(progressFile);
const signal = new AbortController().signal;
// Short waits: the server drops connections often in this test.
const retry = { baseDelayMs: 5, maxDelayMs: 50, attempts: 50 };

const run =
  mode === 'bytes'
    ? youtubeUpload({ path: file, key: 'video', progress, signal, chunkSize: 8 * 1024 * 1024, startUrl: `${url}/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status`, token: () => token, retry })
    : xUpload({ path: file, key: 'video', progress, signal, url, token, segmentSize: 4 * 1024 * 1024, retry });
run.then(
  (done) => {
    process.stdout.write(`done ${JSON.stringify(done)}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    process.stderr.write(`failed ${String((error as Error).stack ?? error)}\n`);
    process.exit(1);
  },
);
