/** Loading, empty and error states, the same on every page. */
import type { ComponentChildren } from 'preact';
import { ApiError } from '../lib/api';

export function Loading({ what }: { what: string }) {
  return (
    <p class="state" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Empty({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="state empty">
      <p class="state-title">{title}</p>
      {children}
    </div>
  );
}

export function describeError(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 403 && e.details['scope'])
      return `Your API key lacks the ${String(e.details['scope'])} scope needed here.`;
    return e.message;
  }
  return e instanceof Error ? e.message : String(e);
}

export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  return (
    <div class="state error" role="alert">
      <p class="state-title">Something went wrong</p>
      <p>{describeError(error)}</p>
      {retry && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Badge({ state }: { state: string }) {
  return <span class={`badge badge-${state}`}>{state.replace('_', ' ')}</span>;
}

/** The outcome of an action the person just took: a status line, or an alert when it failed. */
export interface NoticeValue {
  ok: boolean;
  text: string;
}

export function Notice({ notice }: { notice: NoticeValue | undefined }) {
  if (!notice) return null;
  return (
    <p class={notice.ok ? 'notice' : 'field-error'} role={notice.ok ? 'status' : 'alert'}>
      {notice.text}
    </p>
  );
}
