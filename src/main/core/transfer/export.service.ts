import { createWriteStream, mkdirSync, statSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { TZDate } from '@date-fns/tz';
import type Yazl from 'yazl';
import type { Post } from '../../../shared/domain';
import { platformSpec } from '../../../shared/platforms/catalog';
import type { ExportFormat, ExportResult, exportFilter } from '../../../shared/ipc/transfer';
import type { z } from 'zod';
import { toAccount, type AccountsRepo } from '../accounts/accounts.repo';
import { fileStamp } from '../backups/data-folder';
import { invalid } from '../errors';
import type { LabelsRepo } from '../labels/labels.repo';
import type { MediaRepo } from '../media/media.repo';
import type { Clock } from '../ports/ports';
import type { PostStore } from '../posts/post-store.repo';
import { ftsQuery } from '../posts/posts.service';
import { csvLine } from './csv';
import { defaultOf, lazy } from '../../platforms/lazy';

/** The zip writer: loaded with the first archive export. */
const yazlModule = lazy(() => import('yazl'));

/** Posts are read and written this many at a time, yielding to the event loop between (publishing goes on). */
const CHUNK = 500;

/** What exports need. */
export interface ExportDeps {
  store: Pick<PostStore, 'ids' | 'getMany'>;
  labels: Pick<LabelsRepo, 'all'>;
  accounts: Pick<AccountsRepo, 'list'>;
  media: Pick<MediaRepo, 'many'>;
  settings: { get(): { timeZone: string } };
  clock: Clock;
  dataDir: string;
  /** Where exports go when the creator names no folder. */
  exportsDir: string;
  appVersion: string;
}

const CSV_HEADER = ['post_id', 'status', 'scheduled_local', 'time_zone', 'scheduled_utc', 'text', 'parts', 'accounts', 'platforms', 'labels', 'links', 'media', 'created_utc', 'published_utc'];

function localTime(iso: string | null, zone: string): string {
  if (!iso) return '';
  const t = new TZDate(Date.parse(iso), zone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ${pad(t.getHours())}:${pad(t.getMinutes())}`;
}

/** Exports: the full JSON model, a CSV for spreadsheets, and an archive (JSON + media in a zip). */
export function createExportService(deps: ExportDeps) {
  function ids(filter: z.output<typeof exportFilter> | undefined): string[] {
    const f = filter ?? {};
    let match: string | undefined;
    if (f.query !== undefined && f.query.trim() !== '') {
      const q = ftsQuery(f.query);
      if (q === null) return [];
      match = q;
    }
    return deps.store.ids({
      status: f.status,
      labelId: f.labelId,
      accountId: f.accountId,
      from: f.from !== undefined ? Date.parse(f.from) : undefined,
      to: f.to !== undefined ? Date.parse(f.to) : undefined,
      match,
    });
  }

  async function* chunks(all: string[]): AsyncGenerator<Post[]> {
    for (let i = 0; i < all.length; i += CHUNK) {
      yield deps.store.getMany(all.slice(i, i + CHUNK));
      await yieldToLoop();
    }
  }

  /** Writes the JSON export; answers the media rows the posts reference. */
  async function writeJson(path: string, postIds: string[]) {
    const out = await open(path, 'w');
    const mediaIds = new Set<string>();
    try {
      const accounts = deps.accounts.list().map((a) => {
        const shown = toAccount(a);
        return { id: shown.id, platform: shown.platform, handle: shown.handle, displayName: shown.displayName, instanceUrl: shown.instanceUrl };
      });
      const head = {
        format: 'outbox-export',
        version: 1,
        exportedAt: new Date(deps.clock.now()).toISOString(),
        appVersion: deps.appVersion,
        timeZone: deps.settings.get().timeZone,
        labels: deps.labels.all(),
        accounts,
      };
      await out.write(`${JSON.stringify(head).slice(0, -1)},"posts":[\n`);
      let first = true;
      for await (const posts of chunks(postIds)) {
        for (const p of posts) for (const part of p.parts) for (const m of part.media) mediaIds.add(m.mediaId);
        if (posts.length === 0) continue;
        await out.write(`${first ? '' : ',\n'}${posts.map((p) => JSON.stringify(p)).join(',\n')}`);
        first = false;
      }
      const media = deps.media.many([...mediaIds]).map((m) => ({ id: m.id, sha256: m.sha256, kind: m.kind, mime: m.mime, bytes: m.bytes, altText: m.alt_text, file: m.file, originalName: m.original_name }));
      await out.write(`\n],"media":${JSON.stringify(media)}}\n`);
      await out.sync();
      return media;
    } finally {
      await out.close();
    }
  }

  async function writeCsv(path: string, postIds: string[]) {
    const zone = deps.settings.get().timeZone;
    const labels = new Map(deps.labels.all().map((l) => [l.id, l.name]));
    const accounts = new Map(deps.accounts.list().map((a) => [a.id, a]));
    const out = await open(path, 'w');
    try {
      // A byte-order mark: spreadsheets then read the file as UTF-8 (emoji, accents).
      await out.write(`\ufeff${csvLine(CSV_HEADER)}`);
      for await (const posts of chunks(postIds)) {
        let text = '';
        for (const p of posts) {
          const targets = p.entries.map((e) => {
            const a = e.accountId ? accounts.get(e.accountId) : undefined;
            return a ? `${e.platform}:@${a.handle.replace(/^@/, '')}` : `${e.platform}:(disconnected)`;
          });
          text += csvLine([
            p.id,
            p.status,
            localTime(p.scheduledAt, zone),
            zone,
            p.scheduledAt ?? '',
            p.parts.map((part) => part.text).join('\n---\n'),
            p.parts.length,
            targets.join('|'),
            [...new Set(p.entries.map((e) => platformSpec(e.platform).name))].join('|'),
            p.labelIds.map((id) => labels.get(id) ?? id).join('|'),
            p.entries.flatMap((e) => (e.status === 'published' && e.platformUrl ? [e.platformUrl] : [])).join('|'),
            p.parts.reduce((n, part) => n + part.media.length, 0),
            p.createdAt,
            p.publishedAt ?? '',
          ]);
        }
        await out.write(text);
      }
      await out.sync();
    } finally {
      await out.close();
    }
  }

  async function writeArchive(path: string, postIds: string[]): Promise<number> {
    const json = `${path}.json.partial`;
    try {
      const media = await writeJson(json, postIds);
      const yazl = defaultOf<typeof Yazl>(await yazlModule());
      const zip = new yazl.ZipFile();
      zip.addFile(json, 'outbox-export.json');
      let files = 0;
      for (const m of media) {
        // Media are stored, not deflated: images and video are compressed already.
        try {
          statSync(join(deps.dataDir, m.file));
        } catch {
          continue;
        }
        zip.addFile(join(deps.dataDir, m.file), m.file, { compress: false });
        files++;
      }
      zip.addBuffer(
        Buffer.from('Outbox export: outbox-export.json holds the posts (import it in Outbox: Settings → Your data → Import); media/ holds their images and videos, named by content.\n'),
        'README.txt',
      );
      zip.end();
      const target = createWriteStream(path);
      zip.outputStream.pipe(target);
      await once(target, 'close');
      return files;
    } finally {
      await rm(json, { force: true });
    }
  }

  return {
    /** Writes an export file and answers where it is and what it holds. */
    async export(input: { format: ExportFormat; filter?: z.output<typeof exportFilter> | undefined; folder?: string | undefined }): Promise<ExportResult> {
      const folder = input.folder ?? deps.exportsDir;
      try {
        mkdirSync(folder, { recursive: true });
      } catch (error) {
        throw invalid('folder', `Outbox cannot write to ${folder} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      }
      const postIds = ids(input.filter);
      const ext = input.format === 'archive' ? 'zip' : input.format;
      const path = join(folder, `outbox-export-${fileStamp(deps.clock.now())}.${ext}`);
      const partial = `${path}.partial`;
      let mediaFiles = 0;
      try {
        if (input.format === 'json') await writeJson(partial, postIds);
        else if (input.format === 'csv') await writeCsv(partial, postIds);
        else mediaFiles = await writeArchive(partial, postIds);
        await rename(partial, path);
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
      return { path, format: input.format, posts: postIds.length, mediaFiles, bytes: statSync(path).size };
    },
  };
}

/** The export service. */
export type ExportService = ReturnType<typeof createExportService>;
