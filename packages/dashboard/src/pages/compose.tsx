/**
 * Compose a feed post, carousel (2–10 items, reorderable), reel (with cover) or story. The caption is counted
 * live with the client library's own rules; the media preflight runs before saving and its result (format,
 * size, dimensions, aspect ratio, duration) is shown per item — a failing item blocks the save.
 */
import { CAPTION_LIMITS, prepareCaption } from '@igkit/graph/captions';
import { useRef, useState } from 'preact/hooks';
import { type DraftMedia, MediaList } from '../components/media-list';
import { describeError, Empty, ErrorState, Loading } from '../components/status';
import { accountLabel, loadAccounts } from '../lib/accounts';
import { api, can, type Post, type PostKind, type PreflightResult, type Session } from '../lib/api';
import { fmtBytes, toLocalInput } from '../lib/format';
import { navigate } from '../lib/router';
import { useLoad } from '../lib/use-load';

const KINDS: Array<{ kind: PostKind; label: string; hint: string }> = [
  { kind: 'feed', label: 'Feed post', hint: 'One image (or a video, published as a reel)' },
  { kind: 'carousel', label: 'Carousel', hint: '2 to 10 images or videos, in order' },
  { kind: 'reel', label: 'Reel', hint: 'One video, with an optional cover image' },
  { kind: 'story', label: 'Story', hint: 'One image or video, gone after 24 h' },
];

function targetOf(kind: PostKind, media: 'image' | 'video'): string {
  if (kind === 'carousel') return media === 'image' ? 'carousel_image' : 'carousel_video';
  if (kind === 'story') return media === 'image' ? 'story_image' : 'story_video';
  if (kind === 'reel') return 'reel';
  return media === 'image' ? 'feed_image' : 'reel';
}

function PreflightLine({ r }: { r: PreflightResult }) {
  if (!r.ok)
    return (
      <span class="error-text">
        ✗ {r.reason?.replaceAll('_', ' ')}: {r.message}
      </span>
    );
  const parts = [
    r.format?.toUpperCase(),
    r.width && r.height ? `${r.width}×${r.height}` : undefined,
    r.aspectRatio ? `aspect ${r.aspectRatio}` : undefined,
    fmtBytes(r.bytes),
    r.durationSec !== undefined ? `${r.durationSec.toFixed(1)} s` : undefined,
    r.codec,
  ].filter(Boolean);
  return <span class="ok-text">✓ {parts.join(' · ')}</span>;
}

export function ComposePage({ session }: { session: Session }) {
  const accounts = useLoad(loadAccounts, []);
  const keys = useRef(0);
  const nextKey = () => ++keys.current;
  const [kind, setKind] = useState<PostKind>('feed');
  const [accountId, setAccountId] = useState('');
  const [media, setMedia] = useState<DraftMedia[]>(() => [{ key: nextKey(), url: '', kind: 'image' }]);
  const [coverUrl, setCoverUrl] = useState('');
  const [caption, setCaption] = useState('');
  const [tags, setTags] = useState('');
  const [when, setWhen] = useState(() => toLocalInput(new Date(Date.now() + 10 * 60_000)));
  const [preflight, setPreflight] = useState<PreflightResult[] | undefined>(undefined);
  const [busy, setBusy] = useState<'checking' | 'saving' | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);

  if (!can(session, 'posts:write'))
    return (
      <section>
        <h1>Compose</h1>
        <Empty title="Your API key cannot schedule posts">
          <p>It lacks the posts:write scope. Sign in with a key that has it.</p>
        </Empty>
      </section>
    );
  if (accounts.error) return <ErrorState error={accounts.error} retry={accounts.reload} />;
  if (!accounts.data) return <Loading what="accounts" />;
  if (accounts.data.length === 0)
    return (
      <section>
        <h1>Compose</h1>
        <Empty title="No Instagram account is connected">
          <p>
            Connect one with <code>igkit accounts connect</code> first.
          </p>
        </Empty>
      </section>
    );
  const account = accountId || accounts.data[0]?.id || '';
  const hashtags = tags
    .split(/[\s,]+/)
    .map((t) => t.trim())
    .filter(Boolean);
  const check = prepareCaption(caption || undefined, hashtags);
  const counts = check.ok ? check : check.details;
  const max = kind === 'carousel' ? 10 : 1;
  const items = media.slice(0, max);
  const changeKind = (k: PostKind) => {
    setKind(k);
    setPreflight(undefined);
    if (k === 'carousel' && media.length < 2)
      setMedia([...media, { key: nextKey(), url: '', kind: 'image' }]);
  };

  const runPreflight = async (): Promise<PreflightResult[] | undefined> => {
    const list = [
      ...items.map((m) => ({ url: m.url.trim(), target: targetOf(kind, m.kind) })),
      ...(kind === 'reel' && coverUrl.trim() ? [{ url: coverUrl.trim(), target: 'reel_cover' }] : []),
    ];
    setBusy('checking');
    setError(undefined);
    try {
      const { results } = await api<{ results: PreflightResult[] }>('POST', '/v1/media/preflight', {
        items: list,
      });
      setPreflight(results);
      return results;
    } catch (e) {
      setError(describeError(e));
      return undefined;
    } finally {
      setBusy(undefined);
    }
  };

  const save = async (e: Event) => {
    e.preventDefault();
    if (kind === 'carousel' && items.length < 2) return setError('A carousel needs 2 to 10 items.');
    if (!check.ok) return setError(check.message);
    const results = await runPreflight();
    if (!results) return;
    if (results.some((r) => !r.ok)) return setError('Fix the media marked ✗ before saving.');
    setBusy('saving');
    try {
      const post = await api<Post>('POST', '/v1/posts', {
        accountId: account,
        kind,
        media: items.map((m) => ({ url: m.url.trim(), kind: m.kind })),
        ...(caption ? { caption } : {}),
        ...(hashtags.length ? { hashtags } : {}),
        ...(kind === 'reel' && coverUrl.trim() ? { coverUrl: coverUrl.trim() } : {}),
        ...(kind === 'story' ? { storyMedia: items[0]?.kind ?? 'image' } : {}),
        publishAt: new Date(when).toISOString(),
      });
      navigate(`/posts/${post.id}`);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(undefined);
    }
  };

  const over = (n: number, limit: number) => (n > limit ? 'over' : n > limit * 0.9 ? 'near' : '');
  return (
    <section aria-labelledby="compose-title">
      <h1 id="compose-title">Compose</h1>
      <form class="compose" onSubmit={save} noValidate>
        <fieldset>
          <legend>Post type</legend>
          <div class="kinds">
            {KINDS.map((k) => (
              <label key={k.kind} class="kind">
                <input
                  type="radio"
                  name="kind"
                  value={k.kind}
                  checked={kind === k.kind}
                  onChange={() => changeKind(k.kind)}
                />
                <span>
                  <strong>{k.label}</strong>
                  <small>{k.hint}</small>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <label for="account">Account</label>
        <select
          id="account"
          value={account}
          onChange={(e) => setAccountId((e.target as HTMLSelectElement).value)}
        >
          {accounts.data.map((a) => (
            <option key={a.id} value={a.id}>
              {accountLabel(a)}
            </option>
          ))}
        </select>
        <fieldset>
          <legend>Media {kind === 'carousel' ? `(${items.length} of 2–10, in order)` : ''}</legend>
          <MediaList
            items={items}
            onChange={(m) => {
              setMedia(m);
              setPreflight(undefined);
            }}
            max={max}
            reorderable={kind === 'carousel'}
            nextKey={nextKey}
          />
          {kind === 'reel' && (
            <>
              <label for="cover">Cover image URL (optional)</label>
              <input
                id="cover"
                type="url"
                value={coverUrl}
                onInput={(e) => setCoverUrl((e.target as HTMLInputElement).value)}
              />
            </>
          )}
          <button type="button" class="secondary" disabled={busy !== undefined} onClick={runPreflight}>
            {busy === 'checking' ? 'Checking media…' : 'Check media'}
          </button>
          {preflight && (
            <ul class="preflight" aria-label="Media check">
              {preflight.map((r, i) => (
                <li key={`${i}-${r.url}`}>
                  <span class="muted">{r.target === 'reel_cover' ? 'Cover' : `Item ${i + 1}`}:</span>{' '}
                  <PreflightLine r={r} />
                </li>
              ))}
            </ul>
          )}
        </fieldset>
        {kind !== 'story' && (
          <>
            <label for="caption">Caption</label>
            <textarea
              id="caption"
              rows={5}
              value={caption}
              onInput={(e) => setCaption((e.target as HTMLTextAreaElement).value)}
              aria-describedby="caption-counts"
            />
            <label for="hashtags">Hashtags (separated by spaces or commas; added after the caption)</label>
            <input
              id="hashtags"
              value={tags}
              onInput={(e) => setTags((e.target as HTMLInputElement).value)}
            />
            <p id="caption-counts" class="counts" aria-live="polite">
              <span class={over(counts.chars, CAPTION_LIMITS.maxChars)}>
                {counts.chars} / {CAPTION_LIMITS.maxChars} characters
              </span>
              <span class={over(counts.hashtags, CAPTION_LIMITS.maxHashtags)}>
                {counts.hashtags} / {CAPTION_LIMITS.maxHashtags} hashtags
              </span>
              <span class={over(counts.mentions, CAPTION_LIMITS.maxMentions)}>
                {counts.mentions} / {CAPTION_LIMITS.maxMentions} mentions
              </span>
            </p>
          </>
        )}
        <label for="publish-at">Publish at</label>
        <input
          id="publish-at"
          type="datetime-local"
          required
          value={when}
          onInput={(e) => setWhen((e.target as HTMLInputElement).value)}
        />
        {error && (
          <p class="field-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy !== undefined || !check.ok}>
          {busy === 'saving' ? 'Scheduling…' : 'Check media and schedule'}
        </button>
      </form>
    </section>
  );
}
