import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';

/** A file part of a multipart request, as a fake received it. */
export interface ReceivedFile {
  field: string;
  filename: string;
  mime: string;
  bytes: number;
  sha256: string;
  data: Buffer;
}

/** A parsed request body: fields (Rails-style brackets nested for forms) and files. */
export interface ParsedBody {
  contentType: string;
  fields: Record<string, unknown>;
  files: ReceivedFile[];
}

/** Reads a whole request body. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Sets `key` (Rails form style: `poll[options][]`, `media_ids[]`) on `target`, so form and
 * multipart bodies read like the JSON bodies the same APIs accept.
 */
export function setFormField(target: Record<string, unknown>, key: string, value: unknown) {
  const match = /^([^[\]]+)((?:\[[^\]]*\])*)$/.exec(key);
  if (!match || !match[2]) {
    target[key] = value;
    return;
  }
  const path = [match[1]!, ...[...match[2].matchAll(/\[([^\]]*)\]/g)].map((m) => m[1]!)];
  let node: Record<string, unknown> | unknown[] = target;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    const last = i === path.length - 1;
    const nextIsArray = path[i + 1] === '';
    if (segment === '' && Array.isArray(node)) {
      if (last) node.push(value);
      else {
        const child = {};
        node.push(child);
        node = child;
      }
      continue;
    }
    const obj = node as Record<string, unknown>;
    if (last) obj[segment] = value;
    else {
      obj[segment] ??= nextIsArray ? [] : {};
      node = obj[segment] as Record<string, unknown> | unknown[];
    }
  }
}

/** Parses JSON, urlencoded or multipart bodies (files kept in memory: fakes see small files). */
export async function parseBody(req: IncomingMessage): Promise<ParsedBody> {
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType === 'multipart/form-data') {
    return new Promise((resolve, reject) => {
      const fields: Record<string, unknown> = {};
      const files: ReceivedFile[] = [];
      const pending: Promise<void>[] = [];
      const bb = busboy({ headers: req.headers, limits: { fileSize: 200 * 1024 * 1024 } });
      bb.on('field', (name, value) => setFormField(fields, name, value));
      bb.on('file', (field, stream, info) => {
        pending.push(
          (async () => {
            const chunks: Buffer[] = [];
            for await (const chunk of stream) chunks.push(chunk as Buffer);
            const data = Buffer.concat(chunks);
            files.push({ field, filename: info.filename ?? '', mime: info.mimeType, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex'), data });
          })(),
        );
      });
      bb.on('error', reject);
      bb.on('close', () => void Promise.all(pending).then(() => resolve({ contentType, fields, files }), reject));
      req.pipe(bb);
    });
  }
  const raw = (await readBody(req)).toString('utf8');
  if (contentType === 'application/x-www-form-urlencoded') {
    const fields: Record<string, unknown> = {};
    for (const [key, value] of new URLSearchParams(raw)) setFormField(fields, key, value);
    return { contentType, fields, files: [] };
  }
  if (raw.trim() === '') return { contentType, fields: {}, files: [] };
  try {
    const json = JSON.parse(raw) as unknown;
    return { contentType: 'application/json', fields: typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {}, files: [] };
  } catch {
    return { contentType, fields: {}, files: [] };
  }
}

/** A failure a test schedules on a fake: the next matching request(s) get this answer. */
export interface FailRule {
  method?: string;
  /** Exact path, or a pattern. */
  path?: string | RegExp;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** How many requests it applies to (1 by default). */
  times?: number;
  /** Lets this many matching requests through first. */
  skip?: number;
  /**
   * Drop the connection without an answer. With `afterHandling`, the request is handled first
   * (the post exists) and only the answer is lost, like a timeout after the server committed.
   */
  drop?: boolean;
  afterHandling?: boolean;
}

/** Finds and consumes the first rule that matches a request. */
export function takeRule(rules: FailRule[], method: string, path: string): FailRule | null {
  const index = rules.findIndex((r) => (!r.method || r.method === method) && (!r.path || (typeof r.path === 'string' ? r.path === path : r.path.test(path))));
  if (index < 0) return null;
  const rule = rules[index]!;
  if (rule.skip && rule.skip > 0) {
    rule.skip--;
    return null;
  }
  const left = (rule.times ?? 1) - 1;
  if (left <= 0) rules.splice(index, 1);
  else rule.times = left;
  return rule;
}
