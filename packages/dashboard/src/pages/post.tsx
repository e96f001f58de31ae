/**
 * One post: its state timeline (with times, attempts and Meta's error reasons), a preview of media and caption,
 * and cancel / reschedule / publish now while it is still scheduled.
 */
import { useState } from 'preact/hooks';
import { Badge, describeError, ErrorState, Loading, Notice, type NoticeValue } from '../components/status';
import { api, can, type Post, type PostEvent, type Session } from '../lib/api';
import { fmtDateTime, fmtPrecise, STATE_LABEL, toLocalInput } from '../lib/format';
import { useLoad } from '../lib/use-load';

type PostWithTimeline = Post & { timeline: PostEvent[]; stages: Array<{ stage: string; at: string }> };

const STAGE_LABEL: Record<string, string> = {
  children_created: 'Carousel items created',
  container_created: 'Container created',
  ready: 'Container ready',
  publish_attempted: 'Publish requested',
  published: 'Live on Instagram',
};

interface Entry {
  at: string;
  title: string;
  detail?: string;
  kind: string;
}

/** State changes and publishing stages, oldest first. */
function entriesOf(p: PostWithTimeline): Entry[] {
  const states: Entry[] = p.timeline.map((e) => ({
    at: e.at,
    title: STATE_LABEL[e.to] ?? e.to,
    ...(e.reason !== e.to || Object.keys(e.details).length ? { detail: reasonOf(e) } : {}),
    kind: `state-${e.to}`,
  }));
  const stages: Entry[] = p.stages
    .filter((s) => STAGE_LABEL[s.stage])
    .map((s) => ({ at: s.at, title: STAGE_LABEL[s.stage] as string, kind: 'stage' }));
  return [...states, ...stages].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

function reasonOf(e: PostEvent): string {
  const d = e.details;
  const code = d['code'] ?? d['errorCode'];
  const graph = d['graphCode'] ?? d['subcode'];
  const message = typeof d['message'] === 'string' ? d['message'] : undefined;
  return [
    e.reason.replaceAll('_', ' '),
    code && `code ${String(code)}`,
    graph && `Meta ${String(graph)}`,
    message,
  ]
    .filter(Boolean)
    .join(' · ');
}

function Preview({ post }: { post: Post }) {
  const [show, setShow] = useState(false);
  return (
    <section aria-labelledby="preview-title" class="card">
      <h2 id="preview-title">Preview</h2>
      <p class="caption-preview">{post.caption || <em>No caption</em>}</p>
      {post.hashtags.length > 0 && <p class="muted">{post.hashtags.map((h) => `#${h}`).join(' ')}</p>}
      <ol class="media-preview">
        {post.media.map((m, i) => (
          <li key={`${i}-${m.url}`}>
            <span class="muted">{m.kind ?? 'media'}</span>{' '}
            <a href={m.url} rel="noreferrer noopener" target="_blank">
              {m.url}
            </a>
            {show && m.kind !== 'video' && (
              <img src={m.url} alt={m.altText ?? `Media ${i + 1} of the post`} loading="lazy" />
            )}
          </li>
        ))}
      </ol>
      {post.coverUrl && <p>Cover: {post.coverUrl}</p>}
      {!show && (
        <button type="button" class="secondary" onClick={() => setShow(true)}>
          Load image previews (fetches the media URLs)
        </button>
      )}
    </section>
  );
}

export function PostPage({ id, session }: { id: string; session: Session }) {
  const post = useLoad(() => api<PostWithTimeline>('GET', `/v1/posts/${encodeURIComponent(id)}`), [id], 3000);
  const [when, setWhen] = useState('');
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<NoticeValue | undefined>(undefined);

  const act = async (label: string, path: string, body?: unknown) => {
    setBusy(true);
    setNotice(undefined);
    try {
      await api('POST', `/v1/posts/${encodeURIComponent(id)}/${path}`, body);
      setNotice({ ok: true, text: `${label}: done.` });
      post.reload();
    } catch (e) {
      setNotice({ ok: false, text: `${label}: ${describeError(e)}` });
    } finally {
      setBusy(false);
    }
  };

  if (post.error) return <ErrorState error={post.error} retry={post.reload} />;
  if (!post.data) return <Loading what="the post" />;
  const p = post.data;
  const editable = p.state === 'scheduled' && can(session, 'posts:write');
  return (
    <article aria-labelledby="post-title">
      <p>
        <a href="/schedule">← Schedule</a>
      </p>
      <div class="page-head">
        <h1 id="post-title">
          {p.kind[0]?.toUpperCase()}
          {p.kind.slice(1)} post <Badge state={p.state} />
        </h1>
      </div>
      <dl class="facts">
        <dt>Publish at</dt>
        <dd>{fmtDateTime(p.publishAt)}</dd>
        <dt>Account</dt>
        <dd>{p.accountId}</dd>
        <dt>Attempts</dt>
        <dd>{p.attempts}</dd>
        {p.publishedAt && (
          <>
            <dt>Published</dt>
            <dd>
              {fmtDateTime(p.publishedAt)}
              {p.permalink && (
                <>
                  {' '}
                  · <a href={p.permalink}>on Instagram</a>
                </>
              )}
            </dd>
          </>
        )}
        {p.lastError && (
          <>
            <dt>Last error</dt>
            <dd class="error-text">
              {p.lastError.code}: {p.lastError.message} ({p.lastError.retryable ? 'will retry' : 'final'})
            </dd>
          </>
        )}
      </dl>
      {editable && (
        <section aria-labelledby="actions-title" class="card">
          <h2 id="actions-title">Actions</h2>
          <div class="actions">
            <button type="button" disabled={busy} onClick={() => act('Publish now', 'publish-now')}>
              Publish now
            </button>
            <button type="button" class="danger" disabled={busy} onClick={() => act('Cancel', 'cancel')}>
              Cancel post
            </button>
          </div>
          <form
            class="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (when) void act('Reschedule', 'reschedule', { publishAt: new Date(when).toISOString() });
            }}
          >
            <label for="reschedule-at">New time</label>
            <input
              id="reschedule-at"
              type="datetime-local"
              required
              value={when || toLocalInput(new Date(p.publishAt))}
              onInput={(e) => setWhen((e.target as HTMLInputElement).value)}
            />
            <button type="submit" disabled={busy}>
              Reschedule
            </button>
          </form>
        </section>
      )}
      <Notice notice={notice} />
      <section aria-labelledby="timeline-title" class="card">
        <h2 id="timeline-title">Timeline</h2>
        <ol class="timeline">
          {entriesOf(p).map((e, i) => (
            <li key={`${e.at}-${i}`} class={e.kind}>
              <time dateTime={e.at}>{fmtPrecise(e.at)}</time> <strong>{e.title}</strong>
              {e.detail && <span class="muted"> — {e.detail}</span>}
            </li>
          ))}
        </ol>
      </section>
      <Preview post={p} />
    </article>
  );
}
