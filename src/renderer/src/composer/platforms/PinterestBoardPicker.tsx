import { useEffect } from 'react';
import { useLookupsStore } from '../../stores/lookups.store';
import type { PlatformSectionProps } from './types';

const PRIVACY: Record<string, string> = { SECRET: ' (secret)', PROTECTED: ' (protected)' };

/** Pinterest's board: chosen from the account's boards (GET /v5/boards), with a refresh. */
export function PinterestBoardPicker({ account, target, idPrefix, setSettings }: PlatformSectionProps) {
  const state = useLookupsStore((s) => s.boards[account.id]);
  const load = useLookupsStore((s) => s.loadBoards);
  const boards = state?.value ?? [];
  const boardId = typeof target.settings['boardId'] === 'string' ? (target.settings['boardId'] as string) : '';
  const savedName = typeof target.settings['boardName'] === 'string' ? (target.settings['boardName'] as string) : '';
  const missing = boardId !== '' && state?.status === 'ready' && !boards.some((b) => b.id === boardId);
  const id = `${idPrefix}-pin-board`;

  useEffect(() => {
    void load(account.id);
  }, [account.id, load]);

  return (
    <div className="platform-section pinterest-board" role="group" aria-label={`Pinterest board for ${account.handle}`}>
      <div className="field compact board-picker">
        <label htmlFor={id}>
          Board<span className="muted"> (required)</span>
        </label>
        <div className="board-picker-row">
          <select
            id={id}
            value={boardId}
            required
            aria-busy={state?.status === 'loading'}
            aria-describedby={missing || state?.status === 'error' ? `${id}-note` : undefined}
            onChange={(e) => {
              const board = boards.find((b) => b.id === e.target.value);
              setSettings({ boardId: board?.id, boardName: board?.name });
            }}
          >
            <option value="">{state?.status === 'loading' && boards.length === 0 ? 'Loading boards…' : 'Choose a board…'}</option>
            {boards.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name}
                {PRIVACY[b.privacy ?? ''] ?? ''}
              </option>
            ))}
            {boardId && !boards.some((b) => b.id === boardId) ? <option value={boardId}>{savedName || boardId}{missing ? ' (not found on Pinterest)' : ''}</option> : null}
          </select>
          <button type="button" className="button button-small" onClick={() => void load(account.id, { refresh: true })} disabled={state?.status === 'loading'}>
            {state?.status === 'loading' ? 'Refreshing…' : 'Refresh boards'}
          </button>
        </div>
        {state?.status === 'error' ? (
          <p className="field-error" id={`${id}-note`} role="alert">
            <span aria-hidden="true">⚠ </span>Could not list your boards: {state.error}
          </p>
        ) : missing ? (
          <p className="field-error" id={`${id}-note`}>
            <span aria-hidden="true">⚠ </span>This board is no longer on Pinterest: choose another.
          </p>
        ) : state?.status === 'ready' && boards.length === 0 ? (
          <p className="hint">No boards yet: create one on Pinterest, then refresh.</p>
        ) : null}
      </div>
    </div>
  );
}
