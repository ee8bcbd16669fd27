import { AppError } from '../errors';
import type { DomainHandlers } from '../handlers';
import type { BackupsService } from './backups.service';

/** The backups channels, and the recovery channels as a running engine answers them. */
export function createBackupsHandlers(backups: BackupsService): DomainHandlers<'backups'> & DomainHandlers<'recovery'> {
  const running = () => {
    throw new AppError('conflict', 'Outbox is running normally: restore a backup from Settings → Backups instead');
  };
  return {
    'backups:list': () => backups.list(),
    'backups:create': () => backups.create('manual'),
    'backups:restore': ({ id }) => backups.restore(id),
    'backups:setMirror': ({ folder }) => backups.setMirror(folder),
    'recovery:status': () => ({ mode: 'running' as const }),
    'recovery:restore': running,
    'recovery:startFresh': running,
  };
}
