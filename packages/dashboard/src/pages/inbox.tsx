/**
 * Inbox: conversations with their window state (time left in the 24 h window, HUMAN_AGENT eligibility for 7
 * days), opt-out state, the messages with their delivery state, and a reply box. Message text is shown only
 * to keys with `messages:read` (the API enforces it); a HUMAN_AGENT reply is offered only as a person's reply.
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
import { api, type Conversation, can, type Message, type Session, withQuery } from '../lib/api';
import { fmtDateTime, fmtDuration } from '../lib/format';
import { useLoad } from '../lib/use-load';

type Window =
  | { state: 'open'; leftMs: number }
  | { state: 'human_agent'; leftMs: number }
  | { state: 'closed' }
  | { state: 'opted_out' };

export function windowOf(c: Conversation, now: number): Window {
  if (c.optedOut) return { state: 'opted_out' };
  const closes = c.windowClosesAt ? Date.parse(c.windowClosesAt) : undefined;
  const human = c.humanAgentUntil ? Date.parse(c.humanAgentUntil) : undefined;
  if (c.windowOpen && closes) return { state: 'open', leftMs: closes - now };
  if (human && now < human) return { state: 'human_agent', leftMs: human - now };
  return { state: 'closed' };
}

function WindowLabel({ w }: { w: Window }) {
  if (w.state === 'open') return <span class="ok-text">Window open · {fmtDuration(w.leftMs)} left</span>;
  if (w.state === 'human_agent')
    return <span class="warn-text">24 h window closed · a person may reply for {fmtDuration(w.leftMs)}</span>;
  if (w.state === 'opted_out') return <span class="error-text">Opted out</span>;
  return <span class="error-text">Window closed · no reply possible until the user writes again</span>;
}

const key = (c: Conversation) => `${c.accountId}:${c.userId}`;

function Thread({
  conv,
  session,
  onChanged,
}: {
  conv: Conversation;
  session: Session;
  onChanged: () => void;
}) {
  const path = `/v1/conversations/${conv.accountId}/${conv.userId}`;
  const messages = useLoad(
    () => api<{ data: Message[] }>('GET', withQuery(`${path}/messages`, { limit: 50 })),
    [path],
    3000,
  );
  const [text, setText] = useState('');
  const [humanAgent, setHumanAgent] = useState(false);
  const [notice, setNotice] = useState<NoticeValue | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const w = windowOf(conv, Date.now());

  const send = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setNotice(undefined);
    try {
      await api('POST', '/v1/messages', {
        accountId: conv.accountId,
        recipientId: conv.userId,
        text,
        ...(w.state === 'human_agent' && humanAgent ? { humanAgent: true } : {}),
      });
      setText('');
      setNotice({ ok: true, text: 'Reply queued.' });
      messages.reload();
      onChanged();
    } catch (err) {
      setNotice({ ok: false, text: `Not sent: ${describeError(err)}` });
    } finally {
      setBusy(false);
    }
  };
  const toggleOptOut = async () => {
    try {
      await api('POST', `${path}/${conv.optedOut ? 'opt-in' : 'opt-out'}`);
      onChanged();
    } catch (err) {
      setNotice({ ok: false, text: describeError(err) });
    }
  };
  const list = [...(messages.data?.data ?? [])].reverse();
  return (
    <section class="thread" aria-labelledby="thread-title">
      <h2 id="thread-title">Conversation with user {conv.userId}</h2>
      <p>
        <WindowLabel w={w} />
      </p>
      {messages.error ? (
        <ErrorState error={messages.error} retry={messages.reload} />
      ) : !messages.data ? (
        <Loading what="messages" />
      ) : list.length === 0 ? (
        <Empty title="No messages stored for this conversation" />
      ) : (
        <ol class="messages" aria-label="Messages, oldest first">
          {list.map((m) => (
            <li key={m.id} class={`message ${m.direction}`}>
              <p class="message-text">
                {m.text ?? <em>{m.byteLength} bytes (text not stored or not visible to this key)</em>}
              </p>
              <p class="muted small">
                {m.direction === 'inbound' ? 'Received' : 'Sent'} {fmtDateTime(m.createdAt)} ·{' '}
                <Badge state={m.status} />
                {m.humanAgent && ' · HUMAN_AGENT'}
                {m.errorCode && ` · ${m.errorCode}`}
              </p>
            </li>
          ))}
        </ol>
      )}
      {can(session, 'messages:write') ? (
        <form class="reply" onSubmit={send}>
          <label for="reply-text">Reply</label>
          <textarea
            id="reply-text"
            rows={3}
            required
            maxLength={1000}
            value={text}
            onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
          />
          {w.state === 'human_agent' && (
            <label class="check">
              <input
                type="checkbox"
                checked={humanAgent}
                onChange={(e) => setHumanAgent((e.target as HTMLInputElement).checked)}
              />{' '}
              I am a person answering this user (sends with the HUMAN_AGENT tag)
            </label>
          )}
          <div class="actions">
            <button type="submit" disabled={busy || text.trim() === ''}>
              Send reply
            </button>
            <button type="button" class="secondary" onClick={toggleOptOut}>
              {conv.optedOut ? 'Clear opt-out' : 'Mark opted out'}
            </button>
          </div>
          <Notice notice={notice} />
        </form>
      ) : (
        <p class="muted">Your API key cannot send messages (messages:write).</p>
      )}
    </section>
  );
}

export function InboxPage({ session }: { session: Session }) {
  const convs = useLoad(
    () => api<{ data: Conversation[] }>('GET', withQuery('/v1/conversations', { limit: 100 })),
    [],
    5000,
  );
  const [selected, setSelected] = useState<string | undefined>(undefined);
  if (!can(session, 'messages:read'))
    return (
      <section>
        <h1>Inbox</h1>
        <Empty title="Your API key cannot read messages">
          <p>The inbox needs the messages:read scope.</p>
        </Empty>
      </section>
    );
  const list = convs.data?.data ?? [];
  const current = list.find((c) => key(c) === selected) ?? list[0];
  const now = Date.now();
  return (
    <section aria-labelledby="inbox-title">
      <h1 id="inbox-title">Inbox</h1>
      {convs.error ? (
        <ErrorState error={convs.error} retry={convs.reload} />
      ) : !convs.data ? (
        <Loading what="conversations" />
      ) : list.length === 0 ? (
        <Empty title="No conversations yet">
          <p>Direct messages to your account appear here once the webhook delivers them.</p>
        </Empty>
      ) : (
        <div class="inbox">
          <nav aria-label="Conversations">
            <ul class="conversations">
              {list.map((c) => (
                <li key={key(c)}>
                  <button
                    type="button"
                    class="conversation"
                    aria-current={current && key(current) === key(c) ? 'true' : undefined}
                    onClick={() => setSelected(key(c))}
                  >
                    <strong>User {c.userId}</strong>
                    <small>
                      <WindowLabel w={windowOf(c, now)} />
                    </small>
                    <small class="muted">Last message {fmtDateTime(c.lastInboundAt)}</small>
                  </button>
                </li>
              ))}
            </ul>
          </nav>
          {current && <Thread key={key(current)} conv={current} session={session} onChanged={convs.reload} />}
        </div>
      )}
    </section>
  );
}
