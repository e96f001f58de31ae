/**
 * Operations: rate-limit usage per account over time, publishing quota, queue depths, dead letters (replay or
 * discard) and the audit log (search, NDJSON export). Dead letters and the audit log need the admin scope.
 */
import { useState } from 'preact/hooks';
import {
  Badge,
  describeError,
  Empty,
  ErrorState,
  Loading,
  Notice,
  type NoticeValue,
} from '../components/status';
import { UsageChart } from '../components/usage-chart';
import {
  type AuditRow,
  api,
  can,
  type DeadLetter,
  type Operations,
  type Session,
  withQuery,
} from '../lib/api';
import { fmtDateTime } from '../lib/format';
import { useLoad } from '../lib/use-load';

function Overview() {
  const [hours, setHours] = useState(24);
  const ops = useLoad(() => api<Operations>('GET', withQuery('/v1/operations', { hours })), [hours], 30_000);
  if (ops.error) return <ErrorState error={ops.error} retry={ops.reload} />;
  if (!ops.data) return <Loading what="the overview" />;
  return (
    <>
      <section aria-labelledby="usage-title" class="card">
        <div class="page-head">
          <h2 id="usage-title">Rate-limit usage</h2>
          <label>
            Period{' '}
            <select value={hours} onChange={(e) => setHours(Number((e.target as HTMLSelectElement).value))}>
              <option value={1}>1 hour</option>
              <option value={24}>24 hours</option>
              <option value={168}>7 days</option>
            </select>
          </label>
        </div>
        {ops.data.accounts.length === 0 ? (
          <Empty title="No accounts connected" />
        ) : (
          ops.data.accounts.map((a) => {
            const name = a.username ? `@${a.username}` : a.id;
            const lim = a.publishingLimit;
            return (
              <div key={a.id} class="account-ops">
                <h3>
                  {name} <Badge state={a.status} />
                </h3>
                <UsageChart label={`Usage of ${name}`} usage={a.usage} />
                {'errorCode' in lim ? (
                  <p class="muted">Publishing quota could not be read ({lim.errorCode}).</p>
                ) : (
                  <p>
                    <label for={`quota-${a.id}`}>Publishing quota (rolling {lim.windowSec / 3600} h): </label>
                    <meter
                      id={`quota-${a.id}`}
                      min={0}
                      max={lim.total}
                      value={lim.usage}
                      high={lim.total * 0.8}
                    >
                      {lim.usage} of {lim.total}
                    </meter>{' '}
                    {lim.usage} of {lim.total} used · {lim.available} left · {a.publishedLast24h} published by
                    igkit in 24 h
                  </p>
                )}
              </div>
            );
          })
        )}
      </section>
      <section aria-labelledby="queues-title" class="card">
        <h2 id="queues-title">Queues</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Queue</th>
              <th scope="col">Waiting</th>
              <th scope="col">Open dead letters</th>
            </tr>
          </thead>
          <tbody>
            {ops.data.queues.map((q) => (
              <tr key={q.name}>
                <th scope="row">{q.name}</th>
                <td>{q.depth}</td>
                <td class={q.deadLetters > 0 ? 'error-text' : undefined}>{q.deadLetters}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}

function DeadLetters() {
  const list = useLoad(
    () => api<{ data: DeadLetter[] }>('GET', withQuery('/v1/dead-letters', { status: 'open', limit: 100 })),
    [],
    10_000,
  );
  const [notice, setNotice] = useState<NoticeValue | undefined>(undefined);
  const act = async (d: DeadLetter, action: 'replay' | 'discard') => {
    setNotice(undefined);
    try {
      const r = await api<{ result?: string }>('POST', `/v1/dead-letters/${d.id}/${action}`);
      setNotice({
        ok: true,
        text:
          action === 'replay'
            ? `Dead letter ${d.id} replayed (${r?.result ?? 'requeued'}).`
            : `Dead letter ${d.id} discarded.`,
      });
      list.reload();
    } catch (e) {
      setNotice({ ok: false, text: describeError(e) });
    }
  };
  return (
    <section aria-labelledby="dl-title" class="card">
      <h2 id="dl-title">Dead letters</h2>
      <Notice notice={notice} />
      {list.error ? (
        <ErrorState error={list.error} retry={list.reload} />
      ) : !list.data ? (
        <Loading what="dead letters" />
      ) : list.data.data.length === 0 ? (
        <Empty title="No open dead letters">
          <p>Jobs that exhaust their retries land here for a person to replay or discard.</p>
        </Empty>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Queue</th>
              <th scope="col">Error</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last failure</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {list.data.data.map((d) => (
              <tr key={d.id} data-dead-letter={d.id}>
                <th scope="row">{d.queue}</th>
                <td>
                  {d.errorCategory} · {d.errorCode}
                </td>
                <td>{d.attempts}</td>
                <td>{fmtDateTime(d.lastFailedAt)}</td>
                <td class="actions">
                  <button
                    type="button"
                    onClick={() => act(d, 'replay')}
                    aria-label={`Replay dead letter ${d.id}`}
                  >
                    Replay
                  </button>
                  <button
                    type="button"
                    class="danger"
                    onClick={() => act(d, 'discard')}
                    aria-label={`Discard dead letter ${d.id}`}
                  >
                    Discard
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const FILTERS = [
  { name: 'action', label: 'Action', placeholder: 'post.published' },
  { name: 'resourceType', label: 'Resource type', placeholder: 'post' },
  { name: 'resourceId', label: 'Resource id', placeholder: '' },
  { name: 'correlationId', label: 'Correlation id', placeholder: '' },
] as const;

function Audit() {
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [query, setQuery] = useState<Record<string, string>>({});
  const rows = useLoad(
    () => api<{ data: AuditRow[] }>('GET', withQuery('/v1/audit', { ...query, limit: 100 })),
    [JSON.stringify(query)],
  );
  return (
    <section aria-labelledby="audit-title" class="card">
      <h2 id="audit-title">Audit log</h2>
      <form
        class="filters"
        aria-label="Search the audit log"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ ...draft });
        }}
      >
        {FILTERS.map((f) => (
          <label key={f.name}>
            {f.label}
            <input
              name={f.name}
              placeholder={f.placeholder}
              value={draft[f.name] ?? ''}
              onInput={(e) => setDraft({ ...draft, [f.name]: (e.target as HTMLInputElement).value })}
            />
          </label>
        ))}
        <button type="submit">Search</button>
        <a class="button secondary" href={withQuery('/v1/audit/export', query)} download="igkit-audit.ndjson">
          Export NDJSON
        </a>
      </form>
      {rows.error ? (
        <ErrorState error={rows.error} retry={rows.reload} />
      ) : !rows.data ? (
        <Loading what="the audit log" />
      ) : rows.data.data.length === 0 ? (
        <Empty title="No audit entries match" />
      ) : (
        <div class="table-scroll">
          <table class="audit">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Resource</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {rows.data.data.map((r) => (
                <tr key={r.id}>
                  <td>{fmtDateTime(r.at)}</td>
                  <td>{r.actor}</td>
                  <td>{r.action}</td>
                  <td>
                    {r.resourceType}
                    {r.resourceId ? ` ${r.resourceId}` : ''}
                  </td>
                  <td>
                    {r.outcome}
                    {r.graphCode !== null ? ` (Meta ${r.graphCode})` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function OperationsPage({ session }: { session: Session }) {
  return (
    <section aria-labelledby="ops-title">
      <h1 id="ops-title">Operations</h1>
      <Overview />
      {can(session, 'admin') ? (
        <>
          <DeadLetters />
          <Audit />
        </>
      ) : (
        <p class="muted">Dead letters and the audit log need an API key with the admin scope.</p>
      )}
    </section>
  );
}
