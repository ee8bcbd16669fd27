import type { ReactNode } from 'react';

/**
 * What an action is doing or did, and what went wrong: the status line stays in the page (a live
 * region is heard only when it was there before its text changed); the error is an alert.
 */
export function StatusLines({ status, error }: { status: ReactNode; error: string | null }) {
  return (
    <>
      <p role="status" className="status-line">
        {status}
      </p>
      {error ? (
        <p role="alert" className="error-text">
          ⚠ {error}
        </p>
      ) : null}
    </>
  );
}
