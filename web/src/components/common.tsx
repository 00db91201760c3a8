// Small shared pieces: loading and error states, status badges, pager, confirmation dialog.
import { type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../api/client";
import i18n from "../i18n";
import { common as english } from "../i18n/en/common";
import { useModalDialog } from "./useModalDialog";

/** A loading state that screen readers announce. */
export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <p className="loading" role="status" aria-live="polite">
      {label ?? t("states.loading")}
    </p>
  );
}

/** An error state with the API's message (and a retry button when given one). */
export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const message =
    error instanceof ApiError || error instanceof Error ? error.message : String(error);
  return (
    <div className="error-box" role="alert">
      <p>{message}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t("actions.retry")}
        </button>
      )}
    </div>
  );
}

/**
 * A status as the UI writes it in the current language, lower case: "success", "completed with
 * errors" (`partial` must not read as a success). A status no catalogue knows shows as it is.
 */
export function statusText(status: string): string {
  const key = status.toLowerCase();
  return isKnownStatus(key) ? i18n.t(`status.${key}`) : key;
}

function isKnownStatus(key: string): key is keyof typeof english.status {
  return Object.hasOwn(english.status, key);
}

/** A coloured badge for a workflow, execution, step or approval status. */
export function StatusBadge({ status }: { status: string }) {
  useTranslation(); // re-renders the badge when the language changes
  return <span className={`badge badge-${status.toLowerCase()}`}>{statusText(status)}</span>;
}

/** Previous / next page buttons for a paginated list (`page` is 1-based). */
export function Pager({
  page,
  pages,
  total,
  onPage,
}: {
  page: number;
  pages: number;
  total: number;
  onPage: (page: number) => void;
}) {
  const { t, i18n: { language } } = useTranslation();
  const number = (n: number) => n.toLocaleString(language);
  return (
    <nav className="pager" aria-label={t("pager.label")}>
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {t("actions.previous")}
      </button>
      <span aria-live="polite">
        {t("pager.position", { page: number(pages === 0 ? 0 : page), pages: number(pages), total: number(total) })}
      </span>
      <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {t("actions.next")}
      </button>
    </nav>
  );
}

/** A modal dialog that asks before something irreversible; Escape or Cancel closes it. */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  danger = false,
  onConfirm,
  onCancel,
}: {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel?: string;
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useModalDialog(open);
  const { t } = useTranslation();
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="confirm-title"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id="confirm-title">{title}</h2>
      {children}
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          {t("actions.cancel")}
        </button>
        <button type="button" className={danger ? "danger" : "primary"} onClick={onConfirm}>
          {confirmLabel ?? t("actions.confirm")}
        </button>
      </div>
    </dialog>
  );
}
