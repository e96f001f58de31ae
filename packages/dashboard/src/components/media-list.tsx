/**
 * The ordered media of a post: add, remove, and reorder by drag or by keyboard (the Move up / Move down
 * buttons, or Alt+Arrow keys on an item), with every move announced to screen readers.
 */
import { useState } from 'preact/hooks';

export interface DraftMedia {
  key: number;
  url: string;
  kind: 'image' | 'video';
}

export function guessKind(url: string): 'image' | 'video' {
  return /\.(mp4|mov)(\?|#|$)/i.test(url) || /[?&](duration|codec)=/.test(url) ? 'video' : 'image';
}

export function move<T>(list: readonly T[], from: number, to: number): T[] {
  const out = [...list];
  const [item] = out.splice(from, 1);
  if (item !== undefined) out.splice(Math.max(0, Math.min(to, out.length)), 0, item);
  return out;
}

interface Props {
  items: DraftMedia[];
  onChange: (items: DraftMedia[]) => void;
  max: number;
  reorderable: boolean;
  nextKey: () => number;
}

export function MediaList({ items, onChange, max, reorderable, nextKey }: Props) {
  const [dragging, setDragging] = useState<number | undefined>(undefined);
  const [announce, setAnnounce] = useState('');
  const set = (i: number, patch: Partial<DraftMedia>) =>
    onChange(items.map((m, j) => (j === i ? { ...m, ...patch } : m)));
  const moveTo = (from: number, to: number) => {
    if (to < 0 || to >= items.length || from === to) return;
    onChange(move(items, from, to));
    setAnnounce(`Item ${from + 1} moved to position ${to + 1} of ${items.length}.`);
    requestAnimationFrame(() =>
      document.querySelector<HTMLElement>(`[data-media-index="${to}"] .handle`)?.focus(),
    );
  };
  return (
    <div>
      <ol class="media-list">
        {items.map((m, i) => (
          <li
            key={m.key}
            data-media-index={i}
            class={dragging === i ? 'dragging' : undefined}
            draggable={reorderable}
            onDragStart={(e) => {
              setDragging(i);
              e.dataTransfer?.setData('text/plain', String(i));
            }}
            onDragEnd={() => setDragging(undefined)}
            onDragOver={(e) => reorderable && e.preventDefault()}
            onDrop={(e) => {
              e.preventDefault();
              const from = Number(e.dataTransfer?.getData('text/plain') ?? dragging);
              if (Number.isInteger(from)) moveTo(from, i);
              setDragging(undefined);
            }}
          >
            {reorderable && (
              <button
                type="button"
                class="handle"
                aria-label={`Item ${i + 1}: drag, or press Alt+Arrow Up/Down to move`}
                onKeyDown={(e) => {
                  if (!e.altKey) return;
                  if (e.key === 'ArrowUp') {
                    e.preventDefault();
                    moveTo(i, i - 1);
                  } else if (e.key === 'ArrowDown') {
                    e.preventDefault();
                    moveTo(i, i + 1);
                  }
                }}
              >
                ⠿
              </button>
            )}
            <span class="media-pos" aria-hidden="true">
              {i + 1}
            </span>
            <label class="grow">
              <span class="visually-hidden">Media {i + 1} URL</span>
              <input
                type="url"
                required
                placeholder="https://cdn.example.com/photo.jpg"
                value={m.url}
                onInput={(e) => {
                  const url = (e.target as HTMLInputElement).value;
                  set(i, { url, kind: guessKind(url) });
                }}
              />
            </label>
            <label>
              <span class="visually-hidden">Media {i + 1} type</span>
              <select
                value={m.kind}
                onChange={(e) => set(i, { kind: (e.target as HTMLSelectElement).value as 'image' | 'video' })}
              >
                <option value="image">Image</option>
                <option value="video">Video</option>
              </select>
            </label>
            {reorderable && (
              <>
                <button
                  type="button"
                  class="icon"
                  disabled={i === 0}
                  onClick={() => moveTo(i, i - 1)}
                  aria-label={`Move item ${i + 1} up`}
                >
                  ↑
                </button>
                <button
                  type="button"
                  class="icon"
                  disabled={i === items.length - 1}
                  onClick={() => moveTo(i, i + 1)}
                  aria-label={`Move item ${i + 1} down`}
                >
                  ↓
                </button>
              </>
            )}
            {items.length > 1 && (
              <button
                type="button"
                class="icon"
                onClick={() => onChange(items.filter((_, j) => j !== i))}
                aria-label={`Remove item ${i + 1}`}
              >
                ✕
              </button>
            )}
          </li>
        ))}
      </ol>
      {items.length < max && (
        <button
          type="button"
          class="secondary"
          onClick={() => onChange([...items, { key: nextKey(), url: '', kind: 'image' }])}
        >
          Add media
        </button>
      )}
      <p class="visually-hidden" aria-live="assertive">
        {announce}
      </p>
    </div>
  );
}
