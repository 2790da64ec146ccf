// A confirmation that says exactly what will change before an operator's write goes out.
import { useEffect, useRef } from 'preact/hooks';

export interface ConfirmRequest {
  title: string;
  body: string;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => void;
}

export function ConfirmDialog({ request, onClose }: { request: ConfirmRequest | null; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    if (request && !dialog.current?.open) dialog.current?.showModal();
    if (!request && dialog.current?.open) dialog.current.close();
  }, [request]);
  return (
    <dialog ref={dialog} class="confirm" onClose={onClose} aria-label={request?.title}>
      {request ? (
        <form method="dialog">
          <h3>{request.title}</h3>
          <p>{request.body}</p>
          <div class="confirm-actions">
            <button type="button" class="secondary" onClick={onClose}>
              Cancel
            </button>
            <button
              type="button"
              class={request.danger ? 'danger' : 'primary'}
              onClick={() => {
                onClose();
                request.onConfirm();
              }}
            >
              {request.confirmLabel}
            </button>
          </div>
        </form>
      ) : null}
    </dialog>
  );
}
