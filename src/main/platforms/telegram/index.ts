import type { PlatformModule } from '../types';
import { telegramConnector } from './auth';
import { telegramAdapter } from './publish';

/** Telegram: connect and publish. */
export const telegramModule: PlatformModule = {
  id: 'telegram',
  connector: telegramConnector,
  publisher: telegramAdapter,
};
