// A generation job followed to its end: a progress bar and the stage while it runs, then what it
// found ("3 new, 2 refreshed, 1 discarded", the discarded ones' reasons on demand) or why it failed.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../../api/client";
import { ErrorMessage } from "../../components/common";
import { kindLabel, type SuggestionJob } from "./types";

export const JOB_POLL_MS = 1000;

// The job being followed survives a visit to a suggestion and back (this tab only).
const JOB_KEY = "crmflow.suggestions.job";

export function storedJobId(): number | null {
  const value = Number(sessionStorage.getItem(JOB_KEY));
  return Number.isInteger(value) && value > 0 ? value : null;
}

export function storeJobId(id: number | null): void {
  if (id) sessionStorage.setItem(JOB_KEY, String(id));
  else sessionStorage.removeItem(JOB_KEY);
}

const running = (job: SuggestionJob | undefined) => !job || job.status === "queued" || job.status === "running";

interface Discarded {
  title?: string;
  kind?: string;
  reason?: string;
}

export function GenerationStatus({ jobId, onDismiss }: { jobId: number; onDismiss: () => void }) {
  const { t, i18n } = useTranslation("suggestions");
  const queryClient = useQueryClient();
  const job = useQuery({
    queryKey: ["suggestion-job", jobId],
    queryFn: () =>
      unwrap(api.GET("/api/v1/workflow/workflow-suggestions/generate/{job_id}/", { params: { path: { job_id: jobId } } })),
    refetchInterval: (query) => (running(query.state.data) && !query.state.error ? JOB_POLL_MS : false),
  });
  const status = job.data?.status;
  useEffect(() => {
    // The new and refreshed suggestions show as soon as the job is done.
    if (status === "completed") void queryClient.invalidateQueries({ queryKey: ["suggestions"] });
  }, [status, queryClient]);

  if (job.isError) {
    return (
      <div className="sg-job">
        <ErrorMessage error={job.error} />
        <button type="button" onClick={onDismiss}>{t("job.dismiss")}</button>
      </div>
    );
  }
  const data = job.data;
  if (!data || running(data)) {
    const progress = Math.round(data?.progress ?? 0);
    return (
      <div className="sg-job" role="status" aria-live="polite">
        <p>
          <strong>{t("job.generating")}</strong> <span className="hint">{data?.stage || t("job.queued")}</span>
        </p>
        <div className="row">
          <progress max={100} value={progress} aria-label={t("job.progress")}>{progress} %</progress>
          <span>{progress} %</span>
        </div>
      </div>
    );
  }
  if (data.status === "failed") {
    return (
      <div className="sg-job" role="alert">
        <p className="error">{t("job.failed", { reason: data.error ?? t("job.noReason") })}</p>
        <button type="button" onClick={onDismiss}>{t("job.dismiss")}</button>
      </div>
    );
  }
  const discarded = (data.discarded ?? []) as Discarded[];
  return (
    <div className="sg-job sg-job-done">
      <p role="status">
        <strong>{t("job.done")}</strong>{" "}
        {t("job.counts", { created: data.created_count, refreshed: data.refreshed_count, discarded: discarded.length })}
        {data.duration_ms != null && (
          <span className="hint">
            {t("job.took", { seconds: (data.duration_ms / 1000).toLocaleString(i18n.language, { minimumFractionDigits: 1, maximumFractionDigits: 1 }), days: data.days })}
          </span>
        )}
      </p>
      {discarded.length > 0 && (
        <details>
          <summary>{t("job.why", { count: discarded.length })}</summary>
          <ul className="sg-discarded">
            {discarded.map((d, i) => (
              <li key={i}>
                <strong>{d.title ?? t("job.aPattern")}</strong>
                {d.kind && <span className="hint"> ({kindLabel(d.kind)})</span>}: {d.reason ?? t("job.noReason")}
              </li>
            ))}
          </ul>
        </details>
      )}
      <button type="button" onClick={onDismiss}>{t("job.dismiss")}</button>
    </div>
  );
}
