// The versions tab: every saved version, newest first; the chosen one's definition and its
// changes since the version before.
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { api, unwrap } from "../../api/client";
import { ErrorMessage, Loading } from "../../components/common";
import { formatDateTime, formatRelative } from "../../format";
import { DefinitionView, type Definition } from "./DefinitionView";
import { diffLines, stableJson, withContext } from "./diff";
import type { WorkflowVersion } from "./labels";

export function VersionsTab({
  workflowId,
  currentVersion,
  selected,
  onSelect,
}: {
  workflowId: number;
  currentVersion: number;
  selected: number | null;
  onSelect: (version: number) => void;
}) {
  const versions = useQuery({
    queryKey: ["workflow", workflowId, "versions"],
    queryFn: () =>
      unwrap(api.GET("/api/v1/workflows/{workflow_id}/versions", { params: { path: { workflow_id: workflowId } } })),
    select: (list) => [...list].sort((a, b) => b.version - a.version),
  });
  const [view, setView] = useState<"changes" | "definition" | "json">("changes");

  if (versions.isPending) return <Loading label="Loading versions…" />;
  if (versions.isError) return <ErrorMessage error={versions.error} onRetry={() => void versions.refetch()} />;
  const list = versions.data;
  if (list.length === 0) return <div className="card wf-empty"><p>No saved versions.</p></div>;
  const index = Math.max(0, list.findIndex((v) => v.version === selected));
  const chosen = list[index];
  const previous = list[index + 1] ?? null;

  return (
    <div className="wf-versions">
      <ol className="wf-version-list" aria-label="Versions">
        {list.map((v) => (
          <li key={v.id}>
            <button
              type="button"
              className="wf-version"
              aria-current={v.version === chosen.version ? "true" : undefined}
              onClick={() => onSelect(v.version)}
            >
              <strong>Version {v.version}</strong>
              {v.version === currentVersion && <span className="badge badge-active">current</span>}
              <span className="hint" title={formatDateTime(v.created_at)}>{formatRelative(v.created_at)}</span>
              {v.change_note && <span className="wf-note">{v.change_note}</span>}
            </button>
          </li>
        ))}
      </ol>
      <section className="card wf-version-view" aria-labelledby="wf-version-title">
        <div className="row">
          <h3 id="wf-version-title">
            Version {chosen.version}
          </h3>
          <span className="hint">
            saved {formatDateTime(chosen.created_at)}
            {chosen.created_by ? ` by user #${chosen.created_by}` : ""}
          </span>
          <span className="spacer" />
          <label className="field wf-inline-field">
            <span>Show</span>
            <select value={view} onChange={(e) => setView(e.target.value as typeof view)}>
              <option value="changes">Changes since previous version</option>
              <option value="definition">Definition</option>
              <option value="json">Definition (JSON)</option>
            </select>
          </label>
        </div>
        {chosen.change_note && <p>{chosen.change_note}</p>}
        {view === "changes" ? (
          <VersionDiff current={chosen} previous={previous} />
        ) : view === "definition" ? (
          <DefinitionView definition={chosen.definition as Definition} />
        ) : (
          <pre className="json" tabIndex={0} aria-label={`Version ${chosen.version} definition`}>
            {stableJson(chosen.definition)}
          </pre>
        )}
      </section>
    </div>
  );
}

function VersionDiff({ current, previous }: { current: WorkflowVersion; previous: WorkflowVersion | null }) {
  const lines = useMemo(
    () => (previous ? withContext(diffLines(stableJson(previous.definition), stableJson(current.definition))) : []),
    [current, previous],
  );
  if (!previous) {
    return (
      <>
        <p className="hint">This is the first version: there is nothing to compare it with.</p>
        <DefinitionView definition={current.definition as Definition} />
      </>
    );
  }
  const changed = lines.filter((l) => l.kind === "add" || l.kind === "del").length;
  if (changed === 0) return <p className="hint">Same definition as version {previous.version}.</p>;
  const added = lines.filter((l) => l.kind === "add").length;
  return (
    <>
      <p className="hint">
        Compared with version {previous.version}: {added} line{added === 1 ? "" : "s"} added,{" "}
        {changed - added} removed.
      </p>
      <pre className="json wf-diff" tabIndex={0} aria-label={`Changes from version ${previous.version} to ${current.version}`}>
        {lines.map((line, i) =>
          line.kind === "gap" ? (
            <span key={i} className="wf-diff-gap">{`… ${line.count} unchanged line${line.count === 1 ? "" : "s"}\n`}</span>
          ) : line.kind === "add" ? (
            <ins key={i}>{`+ ${line.text}\n`}</ins>
          ) : line.kind === "del" ? (
            <del key={i}>{`- ${line.text}\n`}</del>
          ) : (
            <span key={i}>{`  ${line.text}\n`}</span>
          ),
        )}
      </pre>
    </>
  );
}
