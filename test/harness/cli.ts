import { parseArgs } from 'node:util';
import { startHarness } from './server';

// `npm run harness -- --port 5173 --data-dir ./my-data`
const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'data-dir': { type: 'string' },
  },
});

const port = values.port === undefined ? 0 : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a whole number from 0 to 65535, got ${values.port}`);
  process.exit(2);
}

const harness = await startHarness({ port, dataDir: values['data-dir'] });
console.log(`Outbox harness: ${harness.url}`);
console.log(`Data folder: ${harness.dataDir}`);

const stop = async () => {
  await harness.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
