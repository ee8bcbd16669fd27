import type { PlatformId } from '../../shared/domain';
import type { PlatformConnector } from './connect-types';

/**
 * Every platform's account connection, by platform id. The accounts service dispatches
 * `accounts:connect`, checks and refreshes through this table.
 */
// `any`: each connector takes its own input shape (the accounts:connect payload less `platform`).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const connectors: Partial<Record<PlatformId, PlatformConnector<any>>> = {};
