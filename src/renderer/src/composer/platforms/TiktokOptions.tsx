import { useEffect } from 'react';
import { formatSeconds } from '../../../../shared/platforms/catalog';
import type { TiktokCreatorInfo } from '../../../../shared/platforms/lookups';
import { useComposerStore } from '../../stores/composer.store';
import { useLookupsStore } from '../../stores/lookups.store';
import { useMediaStore } from '../../stores/media.store';
import type { PlatformSectionProps } from './types';

// TikTok's content-sharing guidelines (https://developers.tiktok.com/doc/content-sharing-guidelines)
// say what a posting app must show before a direct post: the creator's nickname, the privacy
// options creator_info returns with none chosen for them, the interaction switches (off until
// turned on, disabled where the creator's settings disable them), the longest video allowed, the
// commercial-content disclosure, and the declarations. Creator info is read afresh each time.

const PRIVACY_LABELS: Record<string, string> = {
  PUBLIC_TO_EVERYONE: 'Everyone',
  MUTUAL_FOLLOW_FRIENDS: 'Friends (followers you follow back)',
  FOLLOWER_OF_CREATOR: 'Followers',
  SELF_ONLY: 'Only me',
};

const MUSIC_URL = 'https://www.tiktok.com/legal/page/global/music-usage-confirmation/en';
const BRANDED_URL = 'https://www.tiktok.com/legal/page/global/bc-policy/en';

function Switch({ id, label, checked, disabled, note, onChange }: { id: string; label: string; checked: boolean; disabled?: boolean; note?: string; onChange: (v: boolean) => void }) {
  return (
    <div className="field field-row compact">
      <input id={id} type="checkbox" role="switch" checked={checked} disabled={disabled} aria-describedby={note ? `${id}-note` : undefined} onChange={(e) => onChange(e.target.checked)} />
      <label htmlFor={id}>{label}</label>
      {note ? (
        <p className="hint" id={`${id}-note`}>
          {note}
        </p>
      ) : null}
    </div>
  );
}

/** The TikTok options of one account: what TikTok requires a posting app to show. */
export function TiktokOptions({ account, target, contentType, idPrefix, setSettings }: PlatformSectionProps) {
  const state = useLookupsStore((s) => s.creatorInfo[account.id]);
  const load = useLookupsStore((s) => s.loadCreatorInfo);
  const firstMedia = useComposerStore((s) => s.draft.parts[0]?.media ?? []);
  const mediaItems = useMediaStore((s) => s.items);
  const settings = target.settings;
  const photo = contentType === 'tiktok_photo';
  const mode = settings['postMode'] === 'MEDIA_UPLOAD' ? 'MEDIA_UPLOAD' : 'DIRECT_POST';
  const info: TiktokCreatorInfo | null = state?.value ?? null;
  const id = (key: string) => `${idPrefix}-tt-${key}`;
  const on = (key: string) => settings[key] === true;

  useEffect(() => {
    // TikTok asks for the latest creator info whenever its options are shown.
    void load(account.id);
  }, [account.id, load]);

  // Interactions the creator turned off in TikTok cannot be turned on here (TikTok would refuse).
  useEffect(() => {
    if (!info?.canPost) return;
    const off: Record<string, false> = {};
    if (info.commentDisabled && on('allowComments')) off['allowComments'] = false;
    if (info.duetDisabled && on('allowDuet')) off['allowDuet'] = false;
    if (info.stitchDisabled && on('allowStitch')) off['allowStitch'] = false;
    if (Object.keys(off).length) setSettings(off);
    // Only a new answer from TikTok changes the switches.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [info]);

  const video = !photo ? firstMedia.map((m) => mediaItems[m.mediaId]).find((m) => m?.kind === 'video') : undefined;
  const tooLong = info?.maxVideoPostDurationSec != null && video?.durationMs != null && video.durationMs / 1000 > info.maxVideoPostDurationSec;
  const disclose = on('discloseContent');
  const branded = on('brandedContent');
  const yourBrand = on('yourBrand');
  const privacy = typeof settings['privacyLevel'] === 'string' ? (settings['privacyLevel'] as string) : '';
  const options = info?.privacyLevelOptions ?? [];
  const who = info ? `${info.nickname || info.username}${info.username ? ` (@${info.username})` : ''}` : account.handle;
  const label = disclose ? (branded ? 'Paid partnership' : yourBrand ? 'Promotional content' : null) : null;

  return (
    <div className="platform-section tiktok-options" role="group" aria-label={`TikTok options for ${account.handle}`}>
      <p className="option-note">
        {state?.status === 'loading' && !info ? 'Reading your TikTok posting options…' : <>Posting to TikTok as <strong>{who}</strong></>}{' '}
        <button type="button" className="button button-small button-quiet" onClick={() => void load(account.id)} disabled={state?.status === 'loading'}>
          Read TikTok options again
        </button>
      </p>
      {state?.status === 'error' ? (
        <p className="option-note callout callout-danger" role="alert">
          <span aria-hidden="true">⚠ </span>Could not read your TikTok posting options: {state.error}
        </p>
      ) : null}
      {info && !info.canPost ? (
        <p className="option-note callout callout-danger" role="alert">
          <span aria-hidden="true">⚠ </span>TikTok does not take posts from {account.handle} right now: {info.reason}
        </p>
      ) : null}
      <p className="option-note callout callout-warning">
        <strong>Unaudited apps post privately.</strong> Until TikTok audits your developer app, TikTok only accepts its posts as <strong>Only me</strong> (private, SELF_ONLY):
        any other choice fails. Once the app is audited, every option TikTok offers works.
      </p>

      <div className="field compact">
        <label htmlFor={id('mode')}>How to post</label>
        <select id={id('mode')} value={mode} onChange={(e) => setSettings({ postMode: e.target.value })}>
          <option value="DIRECT_POST">Post directly</option>
          <option value="MEDIA_UPLOAD">Send to my TikTok inbox to finish in the app</option>
        </select>
      </div>

      {mode === 'DIRECT_POST' ? (
        <>
          <div className="field compact">
            <label htmlFor={id('privacy')}>Who can see this post</label>
            <select id={id('privacy')} value={privacy} required aria-describedby={branded ? id('privacy-note') : undefined} onChange={(e) => setSettings({ privacyLevel: e.target.value === '' ? undefined : e.target.value })}>
              <option value="">Choose…</option>
              {options.map((o) => (
                <option key={o} value={o} disabled={o === 'SELF_ONLY' && branded}>
                  {PRIVACY_LABELS[o] ?? o}
                </option>
              ))}
              {privacy && !options.includes(privacy) ? (
                <option value={privacy} disabled>
                  {PRIVACY_LABELS[privacy] ?? privacy}
                  {info ? ' (not offered now)' : ''}
                </option>
              ) : null}
            </select>
            {branded ? (
              <p className="hint" id={id('privacy-note')}>
                Branded content cannot be private (Only me).
              </p>
            ) : null}
          </div>

          <Switch
            id={id('comments')}
            label="Allow comments"
            checked={on('allowComments') && !info?.commentDisabled}
            disabled={!info || info.commentDisabled}
            note={info?.commentDisabled ? 'Turned off in your TikTok privacy settings' : undefined}
            onChange={(v) => setSettings({ allowComments: v })}
          />
          {!photo ? (
            <>
              <Switch
                id={id('duet')}
                label="Allow Duet"
                checked={on('allowDuet') && !info?.duetDisabled}
                disabled={!info || info.duetDisabled}
                note={info?.duetDisabled ? 'Turned off in your TikTok privacy settings' : undefined}
                onChange={(v) => setSettings({ allowDuet: v })}
              />
              <Switch
                id={id('stitch')}
                label="Allow Stitch"
                checked={on('allowStitch') && !info?.stitchDisabled}
                disabled={!info || info.stitchDisabled}
                note={info?.stitchDisabled ? 'Turned off in your TikTok privacy settings' : undefined}
                onChange={(v) => setSettings({ allowStitch: v })}
              />
            </>
          ) : null}
        </>
      ) : (
        <p className="option-note">TikTok sends the {photo ? 'photos' : 'video'} to your TikTok inbox; you choose who sees it and post it from the TikTok app.</p>
      )}

      {!photo && info?.maxVideoPostDurationSec != null ? (
        <p className={`option-note${tooLong ? ' callout callout-danger' : ''}`} role={tooLong ? 'alert' : undefined}>
          {tooLong ? <span aria-hidden="true">⚠ </span> : null}
          {tooLong
            ? `This video is ${formatSeconds(video!.durationMs! / 1000)} long; TikTok lets this account post videos of at most ${formatSeconds(info.maxVideoPostDurationSec)}.`
            : `Videos of up to ${formatSeconds(info.maxVideoPostDurationSec)} on this account.`}
        </p>
      ) : null}

      {photo ? (
        <>
          <p className="option-note">TikTok fetches the photos from a link to your own bucket (Media hosting in Settings), from an address verified for your developer app.</p>
          <div className="field compact">
            <label htmlFor={id('title')}>Photo post title</label>
            <input id={id('title')} type="text" maxLength={90} value={typeof settings['title'] === 'string' ? (settings['title'] as string) : ''} onChange={(e) => setSettings({ title: e.target.value === '' ? undefined : e.target.value })} />
          </div>
          <Switch id={id('music')} label="Add music automatically" checked={on('autoAddMusic')} onChange={(v) => setSettings({ autoAddMusic: v })} />
        </>
      ) : null}

      <Switch id={id('aigc')} label="AI-generated content" checked={on('aiGenerated')} onChange={(v) => setSettings({ aiGenerated: v })} />

      <fieldset className="platform-section-group">
        <legend>Commercial content</legend>
        <Switch
          id={id('disclose')}
          label="Disclose post content"
          checked={disclose}
          note="Turn on if this post promotes yourself, a brand, product or service."
          onChange={(v) => setSettings(v ? { discloseContent: true } : { discloseContent: false, yourBrand: false, brandedContent: false })}
        />
        {disclose ? (
          <>
            <Switch id={id('own-brand')} label="Your brand" checked={yourBrand} note="You are promoting yourself or your own business." onChange={(v) => setSettings({ yourBrand: v })} />
            <Switch
              id={id('branded')}
              label="Branded content"
              checked={branded}
              disabled={privacy === 'SELF_ONLY'}
              note={privacy === 'SELF_ONLY' ? 'Branded content cannot be private: choose who can see it first.' : 'You are promoting another brand or a third party.'}
              onChange={(v) => setSettings({ brandedContent: v })}
            />
            {label ? (
              <p className="option-note">
                Your {photo ? 'photo' : 'video'} will be labelled “{label}”.
              </p>
            ) : (
              <p className="option-note callout callout-warning" role="alert">
                <span aria-hidden="true">⚠ </span>You need to indicate if your content promotes yourself, a third party, or both.
              </p>
            )}
          </>
        ) : null}
      </fieldset>

      <p className="option-note hint">
        By posting, you agree to TikTok’s{' '}
        {branded ? (
          <>
            <a href={BRANDED_URL} target="_blank" rel="noreferrer">
              Branded Content Policy
            </a>{' '}
            and{' '}
          </>
        ) : null}
        <a href={MUSIC_URL} target="_blank" rel="noreferrer">
          Music Usage Confirmation
        </a>
        . After it is sent, TikTok may take a few minutes to process the post before it shows on your profile.
      </p>
    </div>
  );
}
