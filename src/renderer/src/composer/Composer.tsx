import { useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { Account, PlatformId, PostPart, RepeatUnit } from '../../../shared/domain';
import { REPEAT_UNITS } from '../../../shared/domain';
import type { EntryValidation } from '../../../shared/ipc/posts';
import { platformSpec } from '../../../shared/platforms';
import { Avatar, PlatformMark, StatusBadge } from '../components/Badges';
import { Dialog } from '../components/Dialog';
import { Icon } from '../components/Icon';
import { mainLimit, overflowWhere } from '../lib/limits';
import { PLATFORM_ORDER, platformName } from '../lib/platforms';
import { POST_STATUS } from '../lib/status';
import { systemZone, zonedToIso } from '../lib/time';
import { useAccountsStore } from '../stores/accounts.store';
import { canPublishTo, useAppStore } from '../stores/app.store';
import { hasBlockingProblems, useComposerStore, validationFor, type ComposerTarget } from '../stores/composer.store';
import { useLabelsStore } from '../stores/labels.store';
import { useSettingsStore } from '../stores/settings.store';
import { useUiStore } from '../stores/ui.store';
import { HighlightArea } from './HighlightArea';
import { MediaPlan } from './MediaPlan';
import { MediaStrip } from './MediaStrip';
import { PlatformOptions } from './PlatformOptions';
import { Preview } from './Preview';
import { PublishedPost } from './PublishedPost';
import { WhenPicker } from './WhenPicker';

const LABEL_COLORS = ['#4f46e5', '#0e7490', '#15803d', '#b45309', '#be123c', '#7c3aed'];
const MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/** Where a part's text goes past a limit, for the accounts that send the parts (not their own text). */
interface Overflow {
  cut: number;
  platforms: PlatformId[];
  limit: number;
  unit: 'characters' | 'bytes';
}

function overflowOf(text: string, targets: ComposerTarget[], accounts: Account[], validation: EntryValidation[]): Overflow | null {
  let best: Overflow | null = null;
  for (const t of targets) {
    if (t.textOverride !== null) continue;
    const account = accounts.find((a) => a.id === t.accountId);
    if (!account) continue;
    const spec = platformSpec(account.platform);
    const limit = mainLimit(validationFor(validation, t.accountId), spec);
    const over = overflowWhere(text, spec, limit);
    if (over === null) continue;
    const { cut } = over;
    if (!best || cut < best.cut) best = { cut, platforms: [account.platform], limit: over.limit, unit: over.unit };
    else if (cut === best.cut && !best.platforms.includes(account.platform)) best.platforms.push(account.platform);
  }
  return best;
}

/** Counters like "X 291/280"; one over its limit is a button that opens that platform's options. */
function Counters({ checks, onOpen }: { checks: EntryValidation[]; onOpen: (accountId: string) => void }) {
  if (checks.length === 0) return null;
  // One counter per platform (and instance): accounts of one platform count alike.
  const seen = new Map<string, EntryValidation>();
  for (const c of checks) {
    const key = `${c.platform}:${c.limit}:${c.unit}`;
    if (!seen.has(key)) seen.set(key, c);
  }
  return (
    <ul className="counters" aria-label="Length per platform">
      {[...seen.values()].map((c) => {
        const over = c.length > c.limit;
        const near = !over && c.length > c.limit * 0.9;
        return (
          <li key={`${c.accountId}`} className={`counter${over ? ' over' : near ? ' near' : ''}`}>
            {over ? (
              <button type="button" className="counter-button" onClick={() => onOpen(c.accountId)}>
                <span aria-hidden="true">⚠ </span>
                {platformName(c.platform)} {c.length.toLocaleString('en')}/{c.limit.toLocaleString('en')}
                {c.unit === 'bytes' ? ' bytes' : ''}
                <span className="sr-only"> (over the limit by {(c.length - c.limit).toLocaleString('en')}: fix it)</span>
              </button>
            ) : (
              <>
                {platformName(c.platform)} {c.length.toLocaleString('en')}/{c.limit.toLocaleString('en')}
                {c.unit === 'bytes' ? ' bytes' : ''}
              </>
            )}
          </li>
        );
      })}
    </ul>
  );
}

function PartEditor({
  index,
  count,
  part,
  problems,
  overflow,
  counters,
  plan,
  onChange,
  onRemove,
}: {
  index: number;
  count: number;
  part: PostPart;
  problems: Array<{ message: string; platform?: string }>;
  overflow: Overflow | null;
  counters: React.ReactNode;
  /** What will be sent of this part's media, per platform. */
  plan: React.ReactNode;
  onChange: (part: PostPart) => void;
  onRemove: () => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const label = count > 1 ? `Part ${index + 1} of ${count}` : 'Post text';
  const partLabel = count > 1 ? `part ${index + 1}` : 'the post';
  const overflowId = `part-${index}-overflow`;
  return (
    <div className="part" ref={box}>
      <div className="part-head">
        <label htmlFor={`part-${index}`} className={count > 1 ? '' : 'sr-only'}>
          {label}
        </label>
        {count > 1 ? (
          <button type="button" className="button button-small button-quiet" onClick={onRemove}>
            Remove part {index + 1}
          </button>
        ) : null}
      </div>
      <HighlightArea
        id={`part-${index}`}
        className="part-text"
        minRows={count > 1 ? 3 : 5}
        placeholder={index === 0 ? 'What do you want to share?' : 'Continue the thread…'}
        value={part.text}
        cut={overflow?.cut ?? null}
        aria-describedby={overflow ? overflowId : undefined}
        onChange={(e) => onChange({ ...part, text: e.target.value })}
        data-autofocus={index === 0 ? true : undefined}
      />
      {overflow ? (
        <p className="overflow-hint" id={overflowId}>
          <span aria-hidden="true">⚠ </span>
          The highlighted text does not fit on {overflow.platforms.map(platformName).join(' or ')} ({overflow.limit.toLocaleString('en')} {overflow.unit}).
        </p>
      ) : null}
      <MediaStrip media={part.media} partLabel={partLabel} dropTarget={box} onChange={(media) => onChange({ ...part, media })} />
      {plan}
      {counters}
      {problems.length > 0 ? (
        <ul className="problems" aria-label={`Problems with ${partLabel}`}>
          {problems.map((p, i) => (
            <li key={i}>
              <span aria-hidden="true">⚠ </span>
              {p.platform && !p.message.startsWith(`${platformName(p.platform as PlatformId)}:`) ? `${platformName(p.platform as PlatformId)}: ` : ''}
              {p.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function SaveState() {
  const { saveState, saveError, dirty, draft } = useComposerStore();
  const online = useUiStore((s) => s.online);
  let text = '';
  if (saveState === 'saving') text = 'Saving…';
  else if (saveState === 'error') text = online ? `Not saved: ${saveError}` : 'Offline: kept on this device';
  else if (dirty && (draft.status === null || draft.status === 'draft')) text = 'Editing…';
  else if (dirty) text = 'Unsaved changes';
  else if (saveState === 'saved' || draft.postId) text = 'Saved';
  return (
    <span className={`save-state${saveState === 'error' ? ' error-text' : ''}`} role="status" aria-live="polite">
      {text}
    </span>
  );
}

/** What to do with changes when the composer closes: keep them, discard them, or go back. */
function CloseQuestion() {
  const asking = useComposerStore((s) => s.confirmingClose);
  const resolve = useComposerStore((s) => s.resolveClose);
  const draft = useComposerStore((s) => s.draft);
  const isNew = useComposerStore((s) => s.original === null);
  const autosaving = draft.status === null || draft.status === 'draft';
  const title = isNew ? 'Keep this post as a draft?' : autosaving ? 'Keep your changes to this draft?' : 'Save your changes?';
  const message = isNew
    ? 'Keep it under Drafts to finish later, or discard it.'
    : autosaving
      ? 'Keep the draft as it is now, or discard your changes and go back to how it was.'
      : 'This post is scheduled: your changes reach it only when saved.';
  return (
    <Dialog
      open={asking}
      title={title}
      onClose={() => void resolve('cancel')}
      role="alertdialog"
      className="dialog-small"
      describedBy="close-question"
      footer={
        <>
          <button type="button" className="button" onClick={() => void resolve('cancel')}>
            Keep editing
          </button>
          <button type="button" className="button button-danger-quiet" onClick={() => void resolve('discard')}>
            {isNew ? 'Discard' : 'Discard changes'}
          </button>
          <button type="button" className="button button-primary" data-autofocus onClick={() => void resolve('keep')}>
            {isNew ? 'Keep as draft' : autosaving ? 'Keep changes' : 'Save changes'}
          </button>
        </>
      }
    >
      <p id="close-question">{message}</p>
    </Dialog>
  );
}

/** The composer: write once, pick accounts, check per platform, and choose when. */
export function Composer() {
  const store = useComposerStore();
  const { open, draft, validation, validationError, submitting, submitError, submitIssues, change, touched, loaded } = store;
  const accounts = useAccountsStore((s) => s.accounts);
  const labels = useLabelsStore((s) => s.labels);
  const createLabel = useLabelsStore((s) => s.create);
  const info = useAppStore((s) => s.info);
  const zone = useSettingsStore((s) => s.settings?.timeZone) ?? systemZone();
  const setView = useUiStore((s) => s.setView);
  const [newLabel, setNewLabel] = useState('');
  const [openOptions, setOpenOptions] = useState<{ accountId: string; n: number } | null>(null);
  const [nudge, setNudge] = useState<string | null>(null);

  useLayoutEffect(() => {
    // Opening time for the bench: from the request to open to the frame after the composer is painted.
    if (!open || performance.getEntriesByName('composer:open:start').length === 0) return;
    requestAnimationFrame(() =>
      setTimeout(() => {
        performance.measure('composer:open', 'composer:open:start');
        performance.clearMarks('composer:open:start');
      }, 0),
    );
  }, [open]);

  const byPlatform = useMemo(() => {
    const groups = new Map<PlatformId, Account[]>();
    for (const a of accounts) groups.set(a.platform, [...(groups.get(a.platform) ?? []), a]);
    return PLATFORM_ORDER.filter((p) => groups.has(p)).map((p) => ({ platform: p, accounts: groups.get(p)! }));
  }, [accounts]);

  if (!open) return null;

  const status = draft.status;
  const close = () => store.requestClose();

  if (loaded && (status === 'published' || status === 'publishing')) {
    return (
      <Dialog open title={status === 'published' ? 'Published post' : 'Post being published'} onClose={() => void store.close()} className="composer-dialog published-dialog">
        <PublishedPost post={loaded} accounts={accounts} zone={zone} onDuplicate={() => void store.duplicateToEdit()} onClose={() => void store.close()} />
      </Dialog>
    );
  }

  const isNew = draft.postId === null;
  // A new post shows no problems before the creator has done anything ("the post is empty" is not news).
  const showChecks = touched || !isNew || draft.parts.some((p) => p.text.trim() || p.media.length);
  const checks = showChecks ? validation : [];
  const blocking = hasBlockingProblems(validation);
  const noTargets = draft.targets.length === 0;
  const empty = !draft.parts.some((p) => p.text.trim() || p.media.length);
  const editable = status === null || status === 'draft' || status === 'scheduled' || status === 'failed' || status === 'partially_published';
  const atIso = draft.when ? zonedToIso(draft.when.date, draft.when.time, zone) : null;
  const inPast = atIso ? Date.parse(atIso) <= Date.now() : false;
  const cannotSend = blocking || noTargets || empty;
  const whyNot = empty ? 'Write something first.' : noTargets ? 'Choose at least one account.' : blocking ? 'Fix the problems marked ⚠ first.' : null;
  const whyNotSchedule = whyNot ?? (!draft.when ? 'Pick a date and time to schedule.' : inPast ? 'That time has already passed: pick a later one.' : null);
  const unpublishable = draft.targets
    .map((t) => accounts.find((a) => a.id === t.accountId))
    .filter((a): a is Account => !!a && !canPublishTo(info, a.platform));

  // Problems by part (paths like parts.1.text) and the rest by account. A part that gained or lost
  // its words or media since the last check waits for the next one (no "empty" under a written part).
  const stale = (i: number) => {
    const was = store.validatedParts?.[i];
    const now = draft.parts[i]!;
    return !was || (was.text.trim() === '') !== (now.text.trim() === '') || was.media.length !== now.media.length;
  };
  const partProblems = (i: number) => [
    ...(stale(i) ? [] : checks).flatMap((v) => v.problems.filter((p) => p.path.startsWith(`parts.${i}.`) || p.path === `parts.${i}`).map((p) => ({ ...p, platform: p.platform ?? v.platform }))),
    ...submitIssues.filter((p) => p.path.startsWith(`parts.${i}.`)),
  ];
  const otherSubmitIssues = submitIssues.filter((p) => !p.path.startsWith('parts.'));
  const title = draft.fresh || isNew ? 'New post' : status === 'draft' ? 'Edit draft' : 'Edit post';
  const shortcut = MAC ? '⌘' : 'Ctrl';

  const setPart = (i: number, part: PostPart) => change((d) => ({ ...d, parts: d.parts.map((p, j) => (j === i ? part : p)) }));
  const addPart = () => {
    const index = draft.parts.length;
    change((d) => ({ ...d, parts: [...d.parts, { text: '', media: [] }] }));
    // The new part is where the creator writes next.
    requestAnimationFrame(() => document.getElementById(`part-${index}`)?.focus());
  };
  const openPlatform = (accountId: string) => setOpenOptions((o) => ({ accountId, n: (o?.n ?? 0) + 1 }));

  const onKeyDown = (e: KeyboardEvent<HTMLDialogElement>) => {
    if (e.key !== 'Enter' || !(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
    e.preventDefault();
    if (submitting || !editable) return;
    setNudge(null);
    void store.primary().then((outcome) => {
      if (outcome === 'blocked' && !useComposerStore.getState().submitError) setNudge(whyNotSchedule ?? 'Nothing to save yet.');
    });
  };

  return (
    <>
      <Dialog open={open} title={title} onClose={close} className="composer-dialog" onKeyDown={onKeyDown}>
        <div className="composer">
          <div className="composer-main">
            <div className="composer-meta">
              {status ? <StatusBadge look={POST_STATUS[status]} /> : null}
              <SaveState />
            </div>

            <fieldset className="accounts-picker">
              <legend>Post to</legend>
              {accounts.length === 0 ? (
                <p className="muted">
                  No accounts yet.{' '}
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => {
                      void store.close();
                      setView('accounts');
                    }}
                  >
                    Connect an account
                  </button>{' '}
                  — you can keep writing meanwhile.
                </p>
              ) : (
                <div className="account-groups">
                  {byPlatform.map((g) => (
                    <div key={g.platform} className="account-group" role="group" aria-label={platformName(g.platform)}>
                      {g.accounts.map((a) => {
                        const on = draft.targets.some((t) => t.accountId === a.id);
                        return (
                          <button key={a.id} type="button" className="account-toggle" aria-pressed={on} onClick={() => store.toggleAccount(a)}>
                            {a.avatarUrl ? <Avatar account={a} size={22} /> : <PlatformMark platform={a.platform} size="medium" labelled={false} />}
                            <span className="sr-only">{platformName(a.platform)} </span>
                            <span className="account-toggle-name">{a.handle}</span>
                            {a.connection !== 'connected' ? <span className="sr-only"> (needs reconnecting)</span> : null}
                            <span aria-hidden="true" className="check">
                              {on ? '✓' : ''}
                            </span>
                          </button>
                        );
                      })}
                    </div>
                  ))}
                </div>
              )}
              {canPublishTo(info, 'x') && draft.targets.some((t) => accounts.find((a) => a.id === t.accountId)?.platform === 'x') ? (
                <p className="callout" role="note">
                  <span aria-hidden="true">ⓘ </span>
                  Posting to X spends your X API credits: X bills your developer app for each post it makes (see your usage in the X developer portal).
                </p>
              ) : null}
              {unpublishable.length > 0 ? (
                <p className="callout callout-warning" role="note">
                  <span aria-hidden="true">⚠ </span>
                  Outbox cannot publish to {[...new Set(unpublishable.map((a) => platformName(a.platform)))].join(' or ')} yet: this post will fail there at its time. Untick{' '}
                  {unpublishable.map((a) => a.handle).join(', ')} to send it elsewhere only.
                </p>
              ) : null}
            </fieldset>

            <div className="parts">
              {draft.parts.map((part, i) => (
                <PartEditor
                  key={i}
                  index={i}
                  count={draft.parts.length}
                  part={part}
                  problems={partProblems(i)}
                  overflow={showChecks ? overflowOf(part.text, draft.targets, accounts, validation) : null}
                  counters={i === 0 ? <Counters checks={validation} onOpen={openPlatform} /> : null}
                  plan={<MediaPlan part={part} index={i} count={draft.parts.length} targets={draft.targets} accounts={accounts} validation={validation} onChange={(media) => setPart(i, { ...part, media })} />}
                  onChange={(p) => setPart(i, p)}
                  onRemove={() => change((d) => ({ ...d, parts: d.parts.filter((_, j) => j !== i) }))}
                />
              ))}
              <button type="button" className="button button-small button-quiet add-part" onClick={addPart}>
                <Icon name="plus" /> Add to thread
              </button>
              {validationError ? (
                <p className="hint error-text">
                  <span aria-hidden="true">⚠ </span>Checks unavailable: {validationError}
                </p>
              ) : null}
            </div>

            {draft.targets.length > 0 ? (
              <section className="composer-section" aria-label="Options per account">
                <h3>Per platform</h3>
                {draft.targets.map((t) => {
                  const account = accounts.find((a) => a.id === t.accountId);
                  if (!account) return null;
                  const v = validationFor(checks, t.accountId);
                  return (
                    <PlatformOptions
                      key={t.accountId}
                      account={account}
                      target={t}
                      check={v ? { ...v, problems: v.problems.filter((p) => !p.path.startsWith('parts.')) } : null}
                      over={v && v.length > v.limit ? v.length - v.limit : 0}
                      canPublish={canPublishTo(info, account.platform)}
                      entry={loaded?.entries.find((e) => e.accountId === t.accountId) ?? null}
                      reveal={openOptions?.accountId === t.accountId ? openOptions.n : 0}
                      fallbackText={draft.parts[0]?.text ?? ''}
                      limit={mainLimit(v, platformSpec(account.platform))}
                      parts={draft.parts.length}
                      at={atIso}
                      onChange={(patch) => change((d) => ({ ...d, targets: d.targets.map((x) => (x.accountId === t.accountId ? { ...x, ...patch } : x)) }))}
                    />
                  );
                })}
              </section>
            ) : null}

            <section className="composer-section when" aria-label="When and labels">
              <h3>When</h3>
              <WhenPicker when={draft.when} zone={zone} nextSlot={store.nextSlot} onChange={(when) => change((d) => ({ ...d, when }))} />
              <div className="when-row">
                <div className="field compact">
                  <label htmlFor="repeat">Repeat</label>
                  <select
                    id="repeat"
                    value={draft.repeat ? 'on' : 'off'}
                    onChange={(e) => change((d) => ({ ...d, repeat: e.target.value === 'on' ? { count: 4, every: 1, unit: 'weeks' } : null }))}
                  >
                    <option value="off">Does not repeat</option>
                    <option value="on">Repeats…</option>
                  </select>
                </div>
                {draft.repeat ? (
                  <>
                    <div className="field compact narrow">
                      <label htmlFor="repeat-every">Every</label>
                      <input
                        id="repeat-every"
                        type="number"
                        min={1}
                        max={1000}
                        value={draft.repeat.every}
                        onChange={(e) => change((d) => ({ ...d, repeat: { ...d.repeat!, every: Math.max(1, Number(e.target.value) || 1) } }))}
                      />
                    </div>
                    <div className="field compact">
                      <label htmlFor="repeat-unit">Unit</label>
                      <select id="repeat-unit" value={draft.repeat.unit} onChange={(e) => change((d) => ({ ...d, repeat: { ...d.repeat!, unit: e.target.value as RepeatUnit } }))}>
                        {REPEAT_UNITS.map((u) => (
                          <option key={u} value={u}>
                            {u}
                          </option>
                        ))}
                      </select>
                    </div>
                    <div className="field compact narrow">
                      <label htmlFor="repeat-count">Times in all</label>
                      <input
                        id="repeat-count"
                        type="number"
                        min={2}
                        max={1000}
                        value={draft.repeat.count}
                        onChange={(e) => change((d) => ({ ...d, repeat: { ...d.repeat!, count: Math.max(2, Number(e.target.value) || 2) } }))}
                      />
                    </div>
                  </>
                ) : null}
              </div>
              <div className="labels-row" role="group" aria-label="Labels">
                {labels.map((l) => {
                  const on = draft.labelIds.includes(l.id);
                  return (
                    <button
                      key={l.id}
                      type="button"
                      className="label-toggle"
                      aria-pressed={on}
                      onClick={() => change((d) => ({ ...d, labelIds: on ? d.labelIds.filter((x) => x !== l.id) : [...d.labelIds, l.id] }))}
                    >
                      <span className="label-dot" style={{ background: l.color }} aria-hidden="true" />
                      {l.name}
                      <span aria-hidden="true">{on ? ' ✓' : ''}</span>
                    </button>
                  );
                })}
                <form
                  className="new-label"
                  onSubmit={(e) => {
                    e.preventDefault();
                    const name = newLabel.trim();
                    if (!name) return;
                    void createLabel(name, LABEL_COLORS[labels.length % LABEL_COLORS.length]!).then((l) => {
                      if (l) change((d) => ({ ...d, labelIds: [...d.labelIds, l.id] }));
                    });
                    setNewLabel('');
                  }}
                >
                  <input type="text" aria-label="New label" aria-describedby="new-label-hint" placeholder="New label" value={newLabel} onChange={(e) => setNewLabel(e.target.value)} />
                  <button type="submit" className="button button-small" disabled={!newLabel.trim()}>
                    Add label
                  </button>
                  <span className="hint" id="new-label-hint">
                    Type a name, then press Enter or Add label.
                  </span>
                </form>
              </div>
            </section>
          </div>

          <aside className="composer-preview" aria-label="Preview">
            <h3>Preview</h3>
            <Preview parts={draft.parts} targets={draft.targets} accounts={accounts} />
          </aside>
        </div>

        <footer className="composer-footer">
          <div className="composer-errors">
            {submitError ? (
              <p className="error-text" role="alert">
                <span aria-hidden="true">⚠ </span>
                {submitError}
                {otherSubmitIssues.length > 0 && !submitError.includes(otherSubmitIssues[0]!.message) ? ` (${otherSubmitIssues.map((i) => i.message).join('; ')})` : ''}
              </p>
            ) : nudge ? (
              <p className="error-text" role="alert">
                <span aria-hidden="true">⚠ </span>
                {nudge}
              </p>
            ) : whyNotSchedule ? (
              // A disabled action always says why, next to it.
              <p className="hint why-not" id="why-not">
                {whyNotSchedule}
              </p>
            ) : (
              <p className="hint shortcut-hint">
                <kbd>{shortcut}</kbd>+<kbd>Enter</kbd> {draft.when ? 'schedules' : 'saves the draft'}
              </p>
            )}
          </div>
          <div className="composer-actions">
            {status === 'scheduled' ? (
              <button type="button" className="button" disabled={submitting} onClick={() => void store.unschedule()}>
                Move to drafts
              </button>
            ) : (
              <button
                type="button"
                className="button"
                disabled={submitting}
                onClick={() => {
                  void store.flush().then((ok) => ok && void store.close());
                }}
              >
                Save draft
              </button>
            )}
            {status !== null && status !== 'draft' && store.dirty ? (
              <button type="button" className="button" disabled={submitting} onClick={() => void store.saveChanges()}>
                Save changes
              </button>
            ) : null}
            <button type="button" className="button" disabled={submitting || cannotSend || !editable} aria-describedby={whyNot ? 'why-not' : undefined} title={whyNot ?? undefined} onClick={() => void store.queue()}>
              Add to queue
            </button>
            <button type="button" className="button" disabled={submitting || cannotSend || !editable} aria-describedby={whyNot ? 'why-not' : undefined} title={whyNot ?? undefined} onClick={() => void store.publishNow()}>
              {status === 'failed' || status === 'partially_published' ? 'Retry now' : 'Publish now'}
            </button>
            <button
              type="button"
              className="button button-primary"
              disabled={submitting || cannotSend || !draft.when || inPast || !editable}
              aria-describedby={whyNotSchedule ? 'why-not' : undefined}
              title={whyNotSchedule ?? undefined}
              aria-keyshortcuts={MAC ? 'Meta+Enter' : 'Control+Enter'}
              onClick={() => void store.schedule()}
            >
              {status === 'scheduled' ? 'Reschedule' : 'Schedule'}
            </button>
          </div>
        </footer>
      </Dialog>
      <CloseQuestion />
    </>
  );
}
