/**
 * Schedule: a week or month calendar of posts per account, refreshed every few seconds so a post can be watched
 * going from scheduled to published. A post opens its page (timeline, preview, actions).
 */
import { useState } from 'preact/hooks';
import { Badge, Empty, ErrorState, Loading } from '../components/status';
import { accountLabel, loadAccounts } from '../lib/accounts';
import { api, type Post, type Session, withQuery } from '../lib/api';
import { addDays, dayKey, periodLabel, shift, startOfDay, type View, visibleDays } from '../lib/calendar';
import { fmtTime } from '../lib/format';
import { useLoad } from '../lib/use-load';

async function postsBetween(from: Date, to: Date, accountId: string): Promise<Post[]> {
  const out: Post[] = [];
  let cursor: string | undefined;
  do {
    const page = await api<{ data: Post[]; nextCursor?: string }>(
      'GET',
      withQuery('/v1/posts', {
        from: from.toISOString(),
        to: to.toISOString(),
        accountId: accountId || undefined,
        limit: 200,
        cursor,
      }),
    );
    out.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor && out.length < 2000);
  return out;
}

export function SchedulePage(_: { session: Session }) {
  const [view, setView] = useState<View>('week');
  const [anchor, setAnchor] = useState(() => startOfDay(new Date()));
  const [accountId, setAccountId] = useState('');
  const days = visibleDays(view, anchor);
  const from = days[0] as Date;
  const to = addDays(days[days.length - 1] as Date, 1);
  const accounts = useLoad(loadAccounts, []);
  const posts = useLoad(
    () => postsBetween(from, to, accountId),
    [from.getTime(), to.getTime(), accountId],
    3000,
  );

  const byDay = new Map<string, Post[]>();
  for (const p of posts.data ?? []) {
    const k = dayKey(new Date(p.publishAt));
    const list = byDay.get(k) ?? [];
    list.push(p);
    byDay.set(k, list);
  }
  const today = dayKey(new Date());
  return (
    <section aria-labelledby="schedule-title">
      <div class="page-head">
        <h1 id="schedule-title">Schedule</h1>
        <a class="button" href="/compose">
          New post
        </a>
      </div>
      <div class="toolbar">
        <label>
          Account{' '}
          <select value={accountId} onChange={(e) => setAccountId((e.target as HTMLSelectElement).value)}>
            <option value="">All accounts</option>
            {(accounts.data ?? []).map((a) => (
              <option key={a.id} value={a.id}>
                {accountLabel(a)}
              </option>
            ))}
          </select>
        </label>
        <fieldset class="segmented">
          <legend class="visually-hidden">View</legend>
          {(['week', 'month'] as const).map((v) => (
            <button key={v} type="button" aria-pressed={view === v} onClick={() => setView(v)}>
              {v === 'week' ? 'Week' : 'Month'}
            </button>
          ))}
        </fieldset>
        <fieldset class="segmented">
          <legend class="visually-hidden">Period</legend>
          <button
            type="button"
            onClick={() => setAnchor(shift(view, anchor, -1))}
            aria-label="Previous period"
          >
            ‹
          </button>
          <button type="button" onClick={() => setAnchor(startOfDay(new Date()))}>
            Today
          </button>
          <button type="button" onClick={() => setAnchor(shift(view, anchor, 1))} aria-label="Next period">
            ›
          </button>
        </fieldset>
        <h2 class="period" aria-live="polite">
          {periodLabel(view, anchor)}
        </h2>
      </div>
      {posts.error ? (
        <ErrorState error={posts.error} retry={posts.reload} />
      ) : posts.loading && !posts.data ? (
        <Loading what="posts" />
      ) : (
        <>
          {posts.data?.length === 0 && (
            <Empty title="Nothing scheduled in this period">
              <p>
                <a href="/compose">Compose a post</a> or move to another {view}.
              </p>
            </Empty>
          )}
          <ol class={`calendar calendar-${view}`} aria-label={`Posts, ${periodLabel(view, anchor)}`}>
            {days.map((d) => {
              const k = dayKey(d);
              const list = byDay.get(k) ?? [];
              const outside = view === 'month' && d.getMonth() !== anchor.getMonth();
              return (
                <li key={k} class={`day${k === today ? ' today' : ''}${outside ? ' outside' : ''}`}>
                  <h3 class="day-head">
                    <span class="weekday">{d.toLocaleDateString(undefined, { weekday: 'short' })}</span>{' '}
                    {d.getDate()}
                  </h3>
                  {list.length > 0 && (
                    <ul class="day-posts">
                      {list.map((p) => (
                        <li key={p.id}>
                          <a class={`post-chip state-${p.state}`} href={`/posts/${p.id}`} data-post-id={p.id}>
                            <span class="chip-time">{fmtTime(p.publishAt)}</span>{' '}
                            <span class="chip-kind">{p.kind}</span> <Badge state={p.state} />
                          </a>
                        </li>
                      ))}
                    </ul>
                  )}
                </li>
              );
            })}
          </ol>
        </>
      )}
    </section>
  );
}
