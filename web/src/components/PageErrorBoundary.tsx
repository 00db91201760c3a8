// Catches what a page throws while rendering (a chunk that no longer exists after a deploy, a
// bug) so the rest of the app stays usable and the user sees what happened.
import { Component, type ErrorInfo, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

interface State {
  error: Error | null;
}

export class PageErrorBoundary extends Component<{ children: ReactNode }, State> {
  state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  componentDidCatch(error: Error, info: ErrorInfo) {
    console.error("page crashed:", error, info.componentStack);
  }

  render() {
    const { error } = this.state;
    return error ? <PageError error={error} /> : this.props.children;
  }
}

/** What the user sees instead of a page that threw: what happened, and a reload button. */
function PageError({ error }: { error: Error }) {
  const { t } = useTranslation();
  const stale = /dynamically imported module|Importing a module script failed|Failed to fetch/i.test(error.message);
  return (
    <div className="error-box" role="alert">
      <p>{stale ? t("errors.pageStale") : t("errors.pageFailed", { message: error.message })}</p>
      <button type="button" onClick={() => window.location.reload()}>
        {t("actions.reload")}
      </button>
    </div>
  );
}
