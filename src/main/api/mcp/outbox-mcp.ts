import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

// An MCP server for AI assistants, over the RUNNING Outbox's local REST API with the creator's
// token: it never opens the database or starts an engine of its own (the boundaries check
// forbids it to import src/main/core), so every call follows the app's rules and shows in the app.

/** Where the API is and the token to call it with. */
export interface OutboxMcpOptions {
  /** The API base, e.g. `http://127.0.0.1:7787/v1`. */
  apiBase: string;
  /** The personal access token from Settings, Automation API. */
  token: string;
  /** The HTTP client; default: the global fetch. */
  fetch?: typeof fetch;
  /** Reported as the server's version. */
  version?: string;
}

const platform = z.enum(['twitter', 'x', 'bluesky', 'mastodon', 'linkedin', 'linkedin-page', 'threads', 'instagram', 'instagram-facebook', 'facebook', 'tiktok', 'youtube', 'pinterest', 'telegram']);
const image = z.object({ url: z.string().describe('http(s):// or file:// (inside your home folder)'), alt_text: z.string().optional() });
const media = z.object({ images: z.array(image).max(4).optional(), video: z.object({ url: z.string() }).optional() }).describe('Up to 4 images, or one video');
const postShape = {
  content: z.string().describe('The text of the post (the first part of a thread)'),
  segments: z.array(z.object({ content: z.string(), media: media.optional() })).optional().describe('Replies that follow `content` as a thread'),
  platforms: z.array(platform).optional().describe('Every active account of these platforms; leave out both this and `accounts` for every active account'),
  accounts: z.array(z.string()).optional().describe('Account ids from list_accounts'),
  media: media.optional(),
  labels: z.array(z.string()).optional().describe('Label ids or names'),
};
const postId = { post_id: z.string().describe('The id of a post') };

type Json = Record<string, unknown>;

/** A refusal of the API, with its message, for the assistant to read. */
class ApiCallError extends Error {}

/** Builds the MCP server; connect it to a transport (stdio in the shipped script). */
export function createOutboxMcpServer(options: OutboxMcpOptions): McpServer {
  const doFetch = options.fetch ?? fetch;
  const base = options.apiBase.replace(/\/+$/, '');

  async function call(method: string, path: string, body?: unknown): Promise<Json> {
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${options.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new ApiCallError(`Outbox is not reachable at ${base} (is the app running with the Automation API on?): ${error instanceof Error ? error.message : String(error)}`);
    }
    const text = await response.text();
    const parsed = text ? (JSON.parse(text) as Json) : {};
    if (!response.ok) {
      const issues = (parsed['details'] as { issues?: Array<{ path: string; message: string }> } | undefined)?.issues ?? [];
      const detail = issues.length > 0 ? ` (${issues.map((i) => `${i.path}: ${i.message}`).join('; ')})` : '';
      throw new ApiCallError(`Outbox refused (HTTP ${response.status} ${String(parsed['code'] ?? '')}): ${String(parsed['error'] ?? text)}${detail}`);
    }
    return parsed;
  }

  /** Wraps an API call as a tool answer: the JSON as text, or the refusal as an error the assistant sees. */
  async function answer(work: () => Promise<unknown>) {
    try {
      const value = await work();
      return { content: [{ type: 'text' as const, text: JSON.stringify(value, null, 2) }] };
    } catch (error) {
      if (error instanceof ApiCallError) return { content: [{ type: 'text' as const, text: error.message }], isError: true };
      throw error;
    }
  }

  const server = new McpServer({ name: 'outbox', version: options.version ?? '1.0.0' });

  server.registerTool(
    'list_accounts',
    { title: 'List accounts', description: 'The social accounts connected in Outbox, with their ids, platforms and whether they are active.', inputSchema: {}, annotations: { readOnlyHint: true } },
    () => answer(() => call('GET', '/accounts')),
  );

  server.registerTool(
    'list_posts',
    {
      title: 'List posts',
      description: 'Posts in schedule order, optionally by status. `published` includes posts published on only some platforms.',
      inputSchema: { status: z.enum(['draft', 'scheduled', 'publishing', 'published', 'partially_published', 'failed']).optional(), limit: z.number().int().min(1).max(100).optional(), offset: z.number().int().min(0).optional() },
      annotations: { readOnlyHint: true },
    },
    ({ status, limit, offset }) => {
      const query = new URLSearchParams();
      if (status) query.set('status', status);
      if (limit !== undefined) query.set('limit', String(limit));
      if (offset !== undefined) query.set('offset', String(offset));
      return answer(() => call('GET', `/posts${query.size > 0 ? `?${query}` : ''}`));
    },
  );

  server.registerTool(
    'get_post',
    { title: 'Read a post', description: 'One post with its status and, once sent, the result per platform (post URLs, errors).', inputSchema: postId, annotations: { readOnlyHint: true } },
    ({ post_id }) => answer(() => call('GET', `/posts/${encodeURIComponent(post_id)}`)),
  );

  server.registerTool(
    'validate_post',
    {
      title: 'Check a post',
      description: "Checks a post against each account's platform rules (length as the platform counts it, media) without saving anything.",
      inputSchema: { content: postShape.content, segments: postShape.segments, platforms: postShape.platforms, accounts: postShape.accounts },
      annotations: { readOnlyHint: true },
    },
    (input) => answer(() => call('POST', '/posts/validate', input)),
  );

  server.registerTool(
    'create_draft',
    { title: 'Create a draft', description: 'Saves a draft in Outbox (nothing is sent). The creator sees it in the app. Answers the post with any warnings.', inputSchema: postShape },
    (input) => answer(() => call('POST', '/posts', { ...input, schedule_type: 'draft' })),
  );

  server.registerTool(
    'add_to_queue',
    {
      title: 'Add to the queue',
      description: "Schedules a post into the next free slot of the creator's weekly queue: an existing draft (post_id), or a new post (content...).",
      inputSchema: { post_id: z.string().optional(), ...postShape, content: postShape.content.optional() },
    },
    ({ post_id, ...post }) =>
      answer(async () => {
        if (!post_id) {
          if (post.content === undefined) throw new ApiCallError('Give post_id (a draft to queue) or content (a new post)');
          return call('POST', '/posts', { ...post, schedule_type: 'queue' });
        }
        const queue = await call('GET', '/queue');
        if (!queue['next_slot']) throw new ApiCallError('The queue has no free slot: add posting times in Outbox, Settings');
        return call('PUT', `/posts/${encodeURIComponent(post_id)}`, { scheduled_for: queue['next_slot'] });
      }),
  );

  server.registerTool(
    'schedule_post',
    { title: 'Schedule a post', description: 'Schedules an existing post for a time (ISO 8601, in the future).', inputSchema: { ...postId, scheduled_for: z.string().describe('ISO 8601 date-time, e.g. 2030-01-14T09:00:00+01:00') } },
    ({ post_id, scheduled_for }) => answer(() => call('PUT', `/posts/${encodeURIComponent(post_id)}`, { scheduled_for })),
  );

  server.registerTool(
    'publish_post',
    { title: 'Publish now', description: 'Sends a post now to every account it goes to. Read it back with get_post for the results.', inputSchema: postId, annotations: { destructiveHint: false, openWorldHint: true } },
    ({ post_id }) => answer(() => call('POST', `/posts/${encodeURIComponent(post_id)}/publish`)),
  );

  return server;
}
