import { createServer } from 'node:net';
import TelegramServer from 'telegram-test-api';

/** A port that was free a moment ago (telegram-test-api cannot listen on port 0: it turns 0 into 9000). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** A running telegram-test-api server (a Bot API emulator for the text methods). */
export interface TelegramPeer {
  server: TelegramServer;
  url: string;
  /** What bots sent through sendMessage, as the peer stored it. */
  botMessages(token: string): Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Starts telegram-test-api on 127.0.0.1. */
export async function startTelegramPeer(): Promise<TelegramPeer> {
  for (let tries = 0; ; tries++) {
    const port = await freePort();
    const server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 600 });
    try {
      await server.start();
    } catch (error) {
      if (tries < 3) continue;
      throw error;
    }
    return {
      server,
      url: `http://127.0.0.1:${port}`,
      botMessages: (token) => server.storage.botMessages.filter((m) => m.botToken === token).map((m) => ({ ...(m.message as unknown as Record<string, unknown>), message_id: m.messageId })),
      stop: async () => {
        await server.stop();
      },
    };
  }
}
