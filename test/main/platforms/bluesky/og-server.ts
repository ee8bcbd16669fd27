import { randomBytes } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';

/**
 * A local web server with pages for link cards: Open Graph tags, a preview image, a page that
 * fails, one that never answers, one without tags. Only for the Bluesky link-card tests.
 */
export interface OgServer {
  base: string;
  /** A page with og:title, og:description and a relative og:image. */
  article: string;
  /** A page whose og:image is large (over 1 MB), so the thumbnail has to be re-encoded. */
  bigImageArticle: string;
  /** Answers 500. */
  broken: string;
  /** Accepts the request and never answers. */
  slow: string;
  /** HTML with only a <title>. */
  titleOnly: string;
  /** A page in ISO-8859-1 (says so in its Content-Type). */
  latin1: string;
  /** Requests received, by path. */
  hits: string[];
  close(): Promise<void>;
}

export const ARTICLE = {
  title: 'Outbox & friends: “scheduling” done right',
  description: 'A page about <scheduling> posts, with entities & quotes.',
};

export async function startOgServer(): Promise<OgServer> {
  const thumb = await sharp({ create: { width: 1200, height: 630, channels: 3, background: { r: 250, g: 90, b: 20 } } }).png().toBuffer();
  const bigPixels = randomBytes(1600 * 900 * 3);
  const big = await sharp(bigPixels, { raw: { width: 1600, height: 900, channels: 3 } }).png().toBuffer();
  const hits: string[] = [];
  const pending: ServerResponse[] = [];
  const html = (head: string) => `<!doctype html><html><head>${head}</head><body><p>Body</p></body></html>`;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    hits.push(path);
    const send = (status: number, type: string, body: string | Buffer) => {
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    switch (path) {
      case '/article':
        return send(200, 'text/html; charset=utf-8', html(`<title>Fallback title</title>
          <meta property="og:title" content="Outbox &amp; friends: “scheduling” done right">
          <meta property="og:description" content="A page about &lt;scheduling&gt; posts, with entities &amp; quotes.">
          <meta property="og:image" content="/thumb.png">`));
      case '/big-image-article':
        return send(200, 'text/html', html(`<meta property="og:title" content="Big picture"><meta property="og:image" content="/big.png">`));
      case '/title-only':
        return send(200, 'text/html', html('<title>  Just a   title </title>'));
      case '/latin1':
        return send(200, 'text/html; charset=ISO-8859-1', Buffer.from(html('<meta property="og:title" content="Caf\u00e9 cr\u00e8me"><meta property="og:description" content="\u00e0 la carte">'), 'latin1'));
      case '/thumb.png':
        return send(200, 'image/png', thumb);
      case '/big.png':
        return send(200, 'image/png', big);
      case '/broken':
        return send(500, 'text/plain', 'boom');
      case '/slow':
        pending.push(res);
        return;
      default:
        return send(404, 'text/plain', 'not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    article: `${base}/article`,
    bigImageArticle: `${base}/big-image-article`,
    broken: `${base}/broken`,
    slow: `${base}/slow`,
    titleOnly: `${base}/title-only`,
    latin1: `${base}/latin1`,
    hits,
    async close() {
      for (const res of pending) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
