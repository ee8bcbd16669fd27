import { useEffect, useState, type ReactNode } from 'react';
import type { RecoveryStatus } from '../../../shared/ipc/recovery';
import { RecoveryView } from './RecoveryView';
import { recoveryApi } from '../stores/data.store';

/**
 * Shows the recovery screen instead of the app while Outbox's database needs the creator
 * (damaged, or emptied after use); the app mounts once a backup is restored or they start fresh.
 */
export function RecoveryGate({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<RecoveryStatus | null>(null);
  useEffect(() => {
    void recoveryApi.status().then((result) => setStatus(result.ok ? result.value : { mode: 'running' }));
  }, []);
  if (!status) return null;
  if (status.mode === 'recovery') return <RecoveryView status={status} onRecovered={() => setStatus({ mode: 'running' })} />;
  return <>{children}</>;
}
