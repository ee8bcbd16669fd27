import { lazy } from '../lazy';
import { BLUESKY_LIMITS } from './limits';

/** The HTML parser: loaded with the first link card. */
const htmlparser = lazy(() => import('htmlparser2'));

/** What a page says about itself, for an app.bsky.embed.external card. */
export interface LinkCard {
  uri: string;
  title: string;
  description: string;
  /** The page's preview image, if it has one that could be fetched. */
  image: { bytes: Uint8Array; mime: string } | null;
}

/** How much of a page is read looking for its <head> tags. */
const MAX_PAGE_BYTES = 512 * 1024;
/** How much of a preview image is read (it is re-encoded below 1 MB afterwards). */
const MAX_IMAGE_BYTES = 15 * 1024 * 1024;

/** Options for reading a card. */
export interface LinkCardOptions {
  /** One deadline for the page and its image together. */
  timeoutMs: number;
  /** The publish's own signal: aborting it aborts the card too. */
  signal?: AbortSignal;
}

/**
 * Reads the page's Open Graph tags (falling back to Twitter tags, then <title> and the meta
 * description) and its preview image. Resolves null rather than failing when the page cannot be
 * read in time, is not HTML or says nothing: a post without a card beats no post. The image is
 * optional: a card keeps its text when only the image fails.
 */
export async function readLinkCard(url: string, options: LinkCardOptions): Promise<LinkCard | null> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return null;
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return null;
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  try {
    const page = await fetch(target, { signal, redirect: 'follow', headers: { accept: 'text/html,application/xhtml+xml', 'user-agent': 'Outbox link preview' } });
    if (!page.ok || !/html/i.test(page.headers.get('content-type') ?? '')) {
      await page.body?.cancel();
      return null;
    }
    const html = decode(await readAtMost(page, MAX_PAGE_BYTES, '</head>'), page.headers.get('content-type'));
    const tags = await parseHead(html);
    const title = (tags.meta.get('og:title') ?? tags.meta.get('twitter:title') ?? tags.title ?? '').trim();
    const description = (tags.meta.get('og:description') ?? tags.meta.get('twitter:description') ?? tags.meta.get('description') ?? '').trim();
    if (!title && !description) return null;
    const imageUrl = tags.meta.get('og:image:secure_url') ?? tags.meta.get('og:image') ?? tags.meta.get('og:image:url') ?? tags.meta.get('twitter:image');
    const image = imageUrl ? await readImage(imageUrl, page.url || target.href, signal) : null;
    return {
      uri: url,
      title: title.slice(0, BLUESKY_LIMITS.maxCardTitle),
      description: description.slice(0, BLUESKY_LIMITS.maxCardDescription),
      image,
    };
  } catch {
    // Page down, slow, refused, malformed: no card. The caller checks its own signal after this.
    return null;
  }
}

async function readImage(src: string, base: string, signal: AbortSignal): Promise<LinkCard['image']> {
  try {
    const url = new URL(src, base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    const res = await fetch(url, { signal, redirect: 'follow', headers: { accept: 'image/*', 'user-agent': 'Outbox link preview' } });
    const mime = (res.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (!res.ok || !mime.startsWith('image/')) {
      await res.body?.cancel();
      return null;
    }
    const bytes = await readAtMost(res, MAX_IMAGE_BYTES);
    if (bytes.byteLength >= MAX_IMAGE_BYTES) return null;
    return { bytes, mime };
  } catch {
    return null;
  }
}

/** Decodes a page in the charset its Content-Type names (UTF-8 when it names none or an unknown one). */
function decode(bytes: Uint8Array, contentType: string | null): string {
  const charset = /charset\s*=\s*"?([\w-]+)/i.exec(contentType ?? '')?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder().decode(bytes);
  }
}

/** Reads a body up to `limit` bytes, stopping early once `stopAt` has been seen. */
async function readAtMost(res: Response, limit: number, stopAt?: string): Promise<Uint8Array> {
  if (!res.body) return new Uint8Array();
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const marker = stopAt ? new TextEncoder().encode(stopAt) : null;
  try {
    while (total < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.byteLength;
      if (marker && includes(value, marker)) break;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const out = new Uint8Array(Math.min(total, limit));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, out.byteLength - offset);
    out.set(part, offset);
    offset += part.byteLength;
    if (offset >= out.byteLength) break;
  }
  return out;
}

function includes(haystack: Uint8Array, needle: Uint8Array): boolean {
  // A marker split across two chunks is missed; then reading simply goes on to the limit.
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).includes(Buffer.from(needle.buffer, needle.byteOffset, needle.byteLength));
}

/** The <title> and <meta property|name=... content=...> of a page's head, first value wins. */
export async function parseHead(html: string): Promise<{ title: string | null; meta: Map<string, string> }> {
  const { Parser } = await htmlparser();
  const meta = new Map<string, string>();
  let title: string | null = null;
  let inTitle = false;
  let titleText = '';
  let done = false;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (done) return;
        if (name === 'title' && title === null) {
          inTitle = true;
          titleText = '';
        } else if (name === 'meta') {
          const key = (attrs.property ?? attrs.name ?? '').trim().toLowerCase();
          const content = attrs.content;
          if (key && content !== undefined && !meta.has(key)) meta.set(key, content);
        } else if (name === 'body') {
          done = true;
        }
      },
      ontext(text) {
        if (inTitle) titleText += text;
      },
      onclosetag(name) {
        if (name === 'title' && inTitle) {
          inTitle = false;
          title = titleText.replace(/\s+/g, ' ').trim() || null;
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return { title, meta };
}
