import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApiFixture, type ApiFixture } from '../../support/api-fixture';

// The MCP server as an assistant's client runs it: a separate process on stdio, talking to the
// running API with the creator's token (never to the database).

const root = resolve(__dirname, '../../..');
let f: ApiFixture;
let client: Client;
let bsky: string;

/** The text of a tool answer, parsed as JSON. */
// any: tool answers are JSON of several shapes, read field by field.
function json(result: unknown): any {
  const content = (result as { content: Array<{ type: string; text: string }> }).content;
  return JSON.parse(content[0]!.text);
}

beforeAll(async () => {
  f = await makeApiFixture();
  bsky = f.insertAccount('bluesky', { handle: 'me.bsky.social' });
  client = new Client({ name: 'outbox-test', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: ['--import', 'tsx', join(root, 'src/main/api/mcp/cli.ts')],
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', OUTBOX_TOKEN: f.token, OUTBOX_API: `${f.server.url}/v1` },
      stderr: 'pipe',
    }),
  );
});
afterAll(async () => {
  await client?.close();
  await f.dispose();
});

describe('the MCP server', () => {
  it('lists its tools', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['add_to_queue', 'create_draft', 'get_post', 'list_accounts', 'list_posts', 'publish_post', 'schedule_post', 'validate_post']);
    for (const tool of tools) expect(tool.description).toEqual(expect.any(String));
  });

  it('lists accounts, drafts a post, and the draft reads back through the API', async () => {
    const accounts = json(await client.callTool({ name: 'list_accounts', arguments: {} }));
    expect(accounts.accounts.map((a: { id: string }) => a.id)).toEqual([bsky]);
    const drafted = json(await client.callTool({ name: 'create_draft', arguments: { content: 'Drafted by an assistant', segments: [{ content: 'and a reply' }], accounts: [bsky] } }));
    expect(drafted).toMatchObject({ status: 'draft', content: 'Drafted by an assistant' });
    const read = await f.call('GET', `/v1/posts/${drafted.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: drafted.id, status: 'draft', content: 'Drafted by an assistant', segments: [{ content: 'and a reply' }], accounts: [bsky] });
    expect(json(await client.callTool({ name: 'get_post', arguments: { post_id: drafted.id } })).id).toBe(drafted.id);
  });

  it('validates, queues into the next free slot, and reports refusals as tool errors', async () => {
    const check = json(await client.callTool({ name: 'validate_post', arguments: { content: 'w'.repeat(301), accounts: [bsky] } }));
    expect(check.valid).toBe(false);
    const draft = json(await client.callTool({ name: 'create_draft', arguments: { content: 'queue me', accounts: [bsky] } }));
    const queue = (await f.call('GET', '/v1/queue')).body;
    const queued = json(await client.callTool({ name: 'add_to_queue', arguments: { post_id: draft.id } }));
    expect(queued).toMatchObject({ status: 'scheduled', scheduled_for: queue.next_slot });
    const refused = await client.callTool({ name: 'publish_post', arguments: { post_id: 'nope' } });
    expect(refused.isError).toBe(true);
    expect((refused.content as Array<{ text: string }>)[0]!.text).toMatch(/HTTP 404/);
  });
});

describe('the shipped MCP bundle', () => {
  const bundle = join(root, 'out/mcp/outbox-mcp.mjs');
  // Built by `npm run build` (npm test builds before testing); without a build there is nothing to run.
  it.skipIf(!existsSync(bundle))('runs with plain node, all dependencies inside, and reaches the API', async () => {
    const shipped = new Client({ name: 'outbox-test', version: '1.0.0' });
    await shipped.connect(
      new StdioClientTransport({ command: process.execPath, args: [bundle], cwd: '/', env: { PATH: process.env['PATH'] ?? '', OUTBOX_TOKEN: f.token, OUTBOX_API: `${f.server.url}/v1` }, stderr: 'pipe' }),
    );
    try {
      expect(json(await shipped.callTool({ name: 'list_accounts', arguments: {} })).accounts).toHaveLength(1);
    } finally {
      await shipped.close();
    }
  });
});
