// Small building blocks shared by the views: state badges, tables, notices, buttons, text blocks.
import type { ComponentChildren } from 'preact';
import { shortId } from '../format';

const TONE: Record<string, string> = {
  STUCK: 'bad',
  dead: 'bad',
  ERROR: 'bad',
  failed: 'bad',
  PREPARED: 'warn',
  retrying: 'warn',
  UNKNOWN: 'warn',
  partial: 'warn',
  inflight: 'info',
  pending: 'info',
  COMMITTED: 'good',
  COMMIT: 'good',
  acked: 'good',
  ok: 'good',
  ROLLED_BACK: 'muted',
  ROLLBACK: 'muted',
  closed: 'good',
  open: 'bad',
  half_open: 'warn',
  paused: 'warn',
  delivering: 'good',
  current: 'good',
};

export function Badge({ value }: { value: string | null | undefined }) {
  if (!value) return <span class="muted">—</span>;
  return <span class={`badge ${TONE[value] ?? (value.includes('_') ? 'muted' : 'bad')}`}>{value}</span>;
}

export function Notice({
  kind,
  children,
}: {
  kind: 'error' | 'success' | 'info';
  children: ComponentChildren;
}) {
  return (
    <div class={`notice ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <div class="empty">{children}</div>;
}

export function Section({
  title,
  actions,
  children,
}: {
  title: string;
  actions?: ComponentChildren;
  children: ComponentChildren;
}) {
  return (
    <section class="panel">
      <header class="panel-head">
        <h2>{title}</h2>
        {actions ? <div class="panel-actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}

/** Producer- and consumer-supplied data, always as text. */
export function TextBlock({ value }: { value: unknown }) {
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return <pre class="text-block">{text}</pre>;
}

export function Mono({ children, title }: { children: ComponentChildren; title?: string }) {
  return (
    <span class="mono" title={title}>
      {children}
    </span>
  );
}

export function LoadMore({ pages }: { pages: { hasMore: boolean; loadMore: () => Promise<void> } }) {
  if (!pages.hasMore) return null;
  return (
    <button type="button" class="secondary" onClick={() => void pages.loadMore()}>
      Load more
    </button>
  );
}

/** The first cell of a selectable row. */
export function SelectCell({
  label,
  checked,
  onToggle,
}: {
  label: string;
  checked: boolean;
  onToggle: () => void;
}) {
  return (
    <td class="check">
      <input type="checkbox" aria-label={label} checked={checked} onChange={onToggle} />
    </td>
  );
}

/** A row's id as the button that opens or closes its detail row. */
export function ExpandButton({ id, open, onToggle }: { id: string; open: boolean; onToggle: () => void }) {
  return (
    <button type="button" class="link mono" title={id} onClick={onToggle}>
      {open ? '▾' : '▸'} {shortId(id)}
    </button>
  );
}

/** The row under a selectable row that shows its detail while it is open. */
export function DetailRow({
  open,
  colSpan,
  children,
}: {
  open: boolean;
  colSpan: number;
  children: ComponentChildren;
}) {
  if (!open) return null;
  return (
    <tr class="detail-row">
      <td colSpan={colSpan}>{children}</td>
    </tr>
  );
}

/** A producer group's name, linking to its open transactions. */
export function ProducerGroupLink({ name }: { name: string }) {
  return <a href={`#/transactions?producerGroup=${encodeURIComponent(name)}`}>{name}</a>;
}

export function TopicLink({ name }: { name: string }) {
  return <a href={`#/topics/${encodeURIComponent(name)}`}>{name}</a>;
}
