// The versions tab: every saved version, newest first, with its author and note; the chosen one's
// changes against the version before it (or another one), its definition, and restoring it.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import i18n from "../../i18n";
import { api, unwrap } from "../../api/client";
import { ConfirmDialog, ErrorMessage, Loading } from "../../components/common";
import { formatDateTime, formatRelative } from "../../format";
import { DefinitionView, type Definition } from "./DefinitionView";
import type { WorkflowVersion } from "./labels";
import { VersionChanges } from "./VersionChanges";
import { stableJson } from "./versionDiffText";

export function VersionsTab({
  workflowId,
  currentVersion,
  selected,
  onSelect,
  canWrite,
}: {
  workflowId: number;
  currentVersion: number;
  selected: number | null;
  onSelect: (version: number) => void;
  /** Editors and admins may restore; viewers only look. */
  canWrite: boolean;
}) {
  const { t, i18n: { language } } = useTranslation("workflow", { keyPrefix: "versions" });
  const queryClient = useQueryClient();
  const versions = useQuery({
    queryKey: ["workflow", workflowId, "versions"],
    queryFn: () =>
      unwrap(api.GET("/api/v1/workflows/{workflow_id}/versions", { params: { path: { workflow_id: workflowId } } })),
    select: (list) => [...list].sort((a, b) => b.version - a.version),
  });
  const [confirming, setConfirming] = useState<number | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const restore = useMutation({
    mutationFn: (version: number) =>
      unwrap(
        api.POST("/api/v1/workflows/{workflow_id}/versions/{version}/restore", {
          params: { path: { workflow_id: workflowId, version } },
        }),
      ),
    onSuccess: async (workflow, version) => {
      queryClient.setQueryData(["workflow", workflowId], workflow);
      // Wait for the new version to be listed before selecting it.
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ["workflow", workflowId] }),
        queryClient.invalidateQueries({ queryKey: ["workflows"] }),
      ]);
      setNotice(t("restored", { version, now: workflow.version }));
      onSelect(workflow.version);
    },
  });

  if (versions.isPending) return <Loading label={t("loading")} />;
  if (versions.isError) return <ErrorMessage error={versions.error} onRetry={() => void versions.refetch()} />;
  const list = versions.data;
  if (list.length === 0) return <div className="card wf-empty"><p>{t("none")}</p></div>;
  const index = Math.max(0, list.findIndex((v) => v.version === selected));
  const chosen = list[index];
  const previous = list[index + 1] ?? null;

  return (
    <div className="wf-versions">
      <ol className="wf-version-list" aria-label={t("list")}>
        {list.map((v) => (
          <li key={v.id}>
            <button
              type="button"
              className="wf-version"
              aria-current={v.version === chosen.version ? "true" : undefined}
              onClick={() => {
                setNotice(null);
                onSelect(v.version);
              }}
            >
              <strong>{t("version", { version: v.version })}</strong>
              {v.version === currentVersion && <span className="badge badge-active">{t("current")}</span>}
              <span className="hint" title={formatDateTime(v.created_at, language)}>
                {formatRelative(v.created_at, undefined, language)}
              </span>
              <span className="hint wf-author">{authorText(v)}</span>
              {v.change_note && <span className="wf-note">{v.change_note}</span>}
            </button>
          </li>
        ))}
      </ol>
      <div className="wf-version-side">
        <div aria-live="polite">{notice && <p className="wf-version-notice">{notice}</p>}</div>
        {restore.isError && <ErrorMessage error={restore.error} />}
        <VersionView
          // A fresh view (comparison, display) for each version chosen.
          key={chosen.version}
          workflowId={workflowId}
          version={chosen}
          previous={previous}
          others={list.filter((v) => v.version !== chosen.version).map((v) => v.version)}
          restoreButton={
            canWrite && chosen.version !== currentVersion ? (
              <button
                type="button"
                disabled={restore.isPending}
                onClick={() => {
                  setNotice(null);
                  restore.reset();
                  setConfirming(chosen.version);
                }}
              >
                {restore.isPending ? t("restoring") : t("restore")}
              </button>
            ) : null
          }
        />
      </div>
      {confirming !== null && (
        <ConfirmDialog
          open
          title={t("confirmTitle", { version: confirming })}
          confirmLabel={t("confirm")}
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            restore.mutate(confirming);
            setConfirming(null);
          }}
        >
          <p>{t("confirmText", { next: currentVersion + 1, current: currentVersion })}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

/** "by Ada", "by a deleted user", or nothing when no user saved it (e.g. the system). */
function authorText(v: WorkflowVersion): string {
  if (v.author) return i18n.t("versions.by", { ns: "workflow", name: v.author });
  return v.created_by ? i18n.t("versions.byDeleted", { ns: "workflow" }) : "";
}

function VersionView({
  workflowId,
  version,
  previous,
  others,
  restoreButton,
}: {
  workflowId: number;
  version: WorkflowVersion;
  previous: WorkflowVersion | null;
  others: number[];
  restoreButton: ReactNode;
}) {
  const { t, i18n: { language } } = useTranslation("workflow", { keyPrefix: "versions" });
  const [view, setView] = useState<"changes" | "definition" | "json">("changes");
  // The version compared with: the one before by default; null for the first with no choice made.
  const [against, setAgainst] = useState<number | null>(previous?.version ?? null);
  const author = authorText(version);

  return (
    <section className="card wf-version-view" aria-labelledby="wf-version-title">
      <div className="row">
        <h3 id="wf-version-title">{t("version", { version: version.version })}</h3>
        <span className="hint">
          {t("saved", { when: formatDateTime(version.created_at, language) })}
          {author && ` ${author}`}
        </span>
        <span className="spacer" />
        {restoreButton}
      </div>
      {version.change_note && <p className="wf-version-note">{version.change_note}</p>}
      <div className="row wf-version-controls">
        <label className="field wf-inline-field">
          <span>{t("show")}</span>
          <select value={view} onChange={(e) => setView(e.target.value as typeof view)}>
            <option value="changes">{t("views.changes")}</option>
            <option value="definition">{t("views.definition")}</option>
            <option value="json">{t("views.json")}</option>
          </select>
        </label>
        {view === "changes" && others.length > 0 && (
          <label className="field wf-inline-field">
            <span>{t("compareWith")}</span>
            <select
              value={against ?? ""}
              onChange={(e) => setAgainst(e.target.value ? Number(e.target.value) : null)}
            >
              {!previous && <option value="">{t("nothingFirst")}</option>}
              {others.map((n) => (
                <option key={n} value={n}>
                  {n === previous?.version ? t("previous", { version: n }) : t("version", { version: n })}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {view === "changes" ? (
        against === null ? (
          <>
            <p className="hint">{t("firstVersion")}</p>
            <DefinitionView definition={version.definition as Definition} />
          </>
        ) : (
          <VersionChanges workflowId={workflowId} version={version.version} against={against} />
        )
      ) : view === "definition" ? (
        <DefinitionView definition={version.definition as Definition} />
      ) : (
        <pre className="json" tabIndex={0} aria-label={t("jsonLabel", { version: version.version })}>
          {stableJson(version.definition)}
        </pre>
      )}
    </section>
  );
}
