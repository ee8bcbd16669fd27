import { useId } from 'react';
import type { Account, PartMedia, PlatformId, PostPart } from '../../../shared/domain';
import type { EntryValidation } from '../../../shared/ipc/posts';
import { contentTypeSpec, platformSpec } from '../../../shared/platforms';
import { describeMedia, type AspectFit, type MediaPlanLine } from '../../../shared/platforms/media-plan';
import { PlatformMark } from '../components/Badges';
import { platformName } from '../lib/platforms';
import { useMediaStore } from '../stores/media.store';
import type { ComposerTarget } from '../stores/composer.store';

/** One platform and content type the part goes to, and what each item becomes there. */
interface PlanRow {
  platform: PlatformId;
  contentType: string;
  label: string;
  lines: MediaPlanLine[];
  refusal: string | null;
}

const ratioName = (r: number) => {
  for (const [w, h] of [[4, 5], [1, 1], [9, 16], [16, 9], [3, 4], [4, 3], [1.91, 1]] as const) if (Math.abs(r - w / h) < 0.01) return `${w}:${h}`;
  return `${Math.round(r * 100) / 100}:1`;
};

/**
 * "What will be sent" for one part, per platform and content type the post goes to, from the
 * catalog's rules and the items' facts (the very plan the fitter follows): "resized to 2,048 px,
 * at most 1 MB", "sent as is (4.2 MB, 12 s)", or why an item cannot go. Where an image falls
 * outside a platform's aspect range (Instagram: 4:5 to 1.91:1), the creator picks crop or pad,
 * each shown as it will look.
 */
export function MediaPlan({
  part,
  index,
  count,
  targets,
  accounts,
  validation,
  onChange,
}: {
  part: PostPart;
  index: number;
  count: number;
  targets: ComposerTarget[];
  accounts: Account[];
  validation: EntryValidation[];
  onChange: (media: PartMedia[]) => void;
}) {
  const { items, thumbs } = useMediaStore();
  const headingId = useId();
  if (part.media.length === 0) return null;
  const facts = part.media.map((m) => items[m.mediaId]);
  if (facts.some((f) => !f)) return null;
  const known = facts.map((f) => f!);

  const rows: PlanRow[] = [];
  for (const t of targets) {
    const account = accounts.find((a) => a.id === t.accountId);
    if (!account) continue;
    const spec = platformSpec(account.platform);
    // Platforms without threads send the first part only.
    if (index > 0 && !spec.threads) continue;
    const contentType = validation.find((v) => v.accountId === t.accountId)?.contentType ?? t.contentType ?? spec.defaultContentType;
    if (rows.some((r) => r.platform === account.platform && r.contentType === contentType)) continue;
    const whole = describeMedia(known, account.platform, contentType);
    // Each image with its own crop-or-pad choice.
    const lines = known.map((f, k) => describeMedia([f], account.platform, contentType, { aspect: part.media[k]!.aspect ?? 'crop' }).lines[0]!);
    const typeLabel = contentTypeSpec(account.platform, contentType)?.label;
    rows.push({ platform: account.platform, contentType, label: `${platformName(account.platform)}${spec.contentTypes.length > 1 && typeLabel ? ` · ${typeLabel}` : ''}`, lines, refusal: whole.refusal });
  }
  if (rows.length === 0) return null;

  const itemName = (k: number) => `${known[k]!.kind === 'video' ? 'Video' : 'Image'} ${k + 1}`;
  // Images some platform crops or pads: the first such plan for each gives the ratio shown.
  const aspectChoices = part.media.flatMap((m, k) => {
    for (const row of rows) {
      const aspect = row.lines[k]?.image?.aspect;
      if (aspect) return [{ k, media: m, ratio: aspect.ratio, platform: row.platform }];
    }
    return [];
  });
  const partName = count > 1 ? ` (part ${index + 1})` : '';

  return (
    <section className="media-plan" aria-labelledby={headingId}>
      <h4 id={headingId}>What will be sent{partName}</h4>
      <ul className="media-plan-rows">
        {rows.map((row) => {
          const refused = row.refusal !== null || row.lines.some((l) => l.action === 'refuse');
          return (
            <li key={`${row.platform}:${row.contentType}`} className={`media-plan-row${refused ? ' refused' : ''}`}>
              <PlatformMark platform={row.platform} labelled={false} />
              <span className="media-plan-platform">{row.label}:</span>{' '}
              {row.refusal ? (
                <span className="error-text">
                  <span aria-hidden="true">⚠ </span>cannot be sent: {row.refusal}
                </span>
              ) : (
                <span>
                  {row.lines.map((line, k) => (
                    <span key={k} className={line.action === 'refuse' ? 'error-text' : undefined}>
                      {k > 0 ? '; ' : ''}
                      {line.action === 'refuse' ? <span aria-hidden="true">⚠ </span> : null}
                      {row.lines.length > 1 ? `${itemName(k)} ` : ''}
                      {line.action === 'refuse' ? `cannot be sent: ${line.summary}` : line.summary}
                    </span>
                  ))}
                </span>
              )}
            </li>
          );
        })}
      </ul>
      {aspectChoices.map(({ k, media, ratio, platform }) => {
        const fit: AspectFit = media.aspect ?? 'crop';
        const name = itemName(k);
        const thumb = thumbs[media.mediaId];
        const set = (aspect: AspectFit) => onChange(part.media.map((m, j) => (j === k ? { ...m, aspect } : m)));
        return (
          <fieldset key={media.mediaId} className="aspect-choice">
            <legend>
              {name} is outside what {platformName(platform)} shows ({ratioName(ratio)}): crop or pad it?
            </legend>
            <div className="aspect-options">
              {(['crop', 'pad'] as const).map((option) => (
                <label key={option} className={`aspect-option${fit === option ? ' chosen' : ''}`}>
                  <input type="radio" name={`aspect-${media.mediaId}-${index}`} value={option} checked={fit === option} onChange={() => set(option)} />
                  <span className={`aspect-frame aspect-${option}`} style={{ aspectRatio: String(ratio) }} aria-hidden="true">
                    {thumb ? <img src={thumb} alt="" /> : null}
                  </span>
                  <span>{option === 'crop' ? 'Crop the edges' : 'Pad with borders'}</span>
                </label>
              ))}
            </div>
          </fieldset>
        );
      })}
    </section>
  );
}
