import { parseArgs } from 'node:util';
import { startHarness } from './server';

// `npm run harness -- --port 5173 --data-dir ./my-data [--api [--api-port 7787] [--api-token T]]`
const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'data-dir': { type: 'string' },
    api: { type: 'boolean' },
    'api-port': { type: 'string' },
    'api-token': { type: 'string' },
  },
});

const port = values.port === undefined ? 0 : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a whole number from 0 to 65535, got ${values.port}`);
  process.exit(2);
}

const apiPort = values['api-port'] === undefined ? undefined : Number(values['api-port']);
if (apiPort !== undefined && (!Number.isInteger(apiPort) || apiPort < 1024 || apiPort > 65535)) {
  console.error(`--api-port must be a whole number from 1024 to 65535, got ${values['api-port']}`);
  process.exit(2);
}
const wantsApi = values.api || apiPort !== undefined || values['api-token'] !== undefined;
const harness = await startHarness({
  port,
  dataDir: values['data-dir'],
  ...(wantsApi ? { api: { ...(apiPort ? { port: apiPort } : {}), ...(values['api-token'] ? { token: values['api-token'] } : {}) } } : {}),
});
console.log(`Outbox harness: ${harness.url}`);
console.log(`Data folder: ${harness.dataDir}`);
if (harness.core.mode === 'recovery') console.log('Its database needs recovery: the page shows the recovery screen.');
if (harness.api) {
  console.log(`Automation API: ${harness.api.url}/v1 (OpenAPI: ${harness.api.url}/v1/openapi.json)`);
  console.log(`API token: ${harness.api.token}`);
} else if (wantsApi) {
  const status = await harness.core.invoke('api:status');
  console.error(`The automation API did not start: ${status.ok ? (status.value.error ?? 'unknown reason') : status.error.message}`);
}

const stop = async () => {
  await harness.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
