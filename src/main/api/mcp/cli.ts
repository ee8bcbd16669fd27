import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createOutboxMcpServer } from './outbox-mcp';

// `node outbox-mcp.mjs`: Outbox's MCP server on stdio, for an AI assistant's MCP client.
// OUTBOX_TOKEN: the personal access token (Settings, Automation API); required.
// OUTBOX_API: the API base; default http://127.0.0.1:7787/v1.
// Only the MCP protocol goes to stdout; messages for people go to stderr.

const token = process.env['OUTBOX_TOKEN'];
if (!token) {
  process.stderr.write('outbox-mcp: set OUTBOX_TOKEN to the token from Outbox, Settings, Automation API\n');
  process.exit(2);
}
const apiBase = process.env['OUTBOX_API'] ?? 'http://127.0.0.1:7787/v1';
const server = createOutboxMcpServer({ apiBase, token });
await server.connect(new StdioServerTransport());
process.stderr.write(`outbox-mcp: serving Outbox at ${apiBase}\n`);
