// What changed between two versions, in the editor's words: the workflow's own fields (old →
// new), steps added, removed, moved and changed field by field (GET .../versions/{n}/diff).
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, unwrap, type Schemas } from "../../api/client";
import { ErrorMessage, Loading } from "../../components/common";
import type { ConditionField } from "../../components/conditionWords";
import { useConditionFields } from "../../components/DecisionWords";
import {
  fullValue,
  stepFieldValue,
  stepPosition,
  workflowFieldLabel,
  workflowFieldValue,
} from "./versionDiffText";

type VersionDiff = Schemas["VersionDiff"];
type FieldChange = Schemas["FieldChange"];
/** A diff of two definitions, saved versions or not (a suggestion's change is computed in the UI). */
export type DefinitionDiff = Pick<VersionDiff, "fields" | "added" | "removed" | "moved" | "changed" | "identical">;

export function VersionChanges({ workflowId, version, against }: { workflowId: number; version: number; against: number }) {
  const { t } = useTranslation("workflow", { keyPrefix: "changes" });
  const fields = useConditionFields();
  const diff = useQuery({
    // Under the versions key: a restore's invalidation of the versions refreshes these too.
    queryKey: ["workflow", workflowId, "versions", version, "diff", against],
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/workflows/{workflow_id}/versions/{version}/diff", {
          params: { path: { workflow_id: workflowId, version }, query: { against } },
        }),
      ),
    // Versions never change once saved.
    staleTime: Infinity,
  });
  if (diff.isPending) return <Loading label={t("comparing")} />;
  if (diff.isError) return <ErrorMessage error={diff.error} onRetry={() => void diff.refetch()} />;
  return (
    <DefinitionChanges diff={diff.data} label={t("label", { from: against, to: diff.data.to_version })}
      identicalText={t("identical", { version: against })} fields={fields} />
  );
}

/** The diff's sections: workflow settings, steps added, removed, moved and changed (old → new);
 *  `fields` (useConditionFields) label the fields of conditions. */
export function DefinitionChanges({ diff, label, identicalText, fields = [] }: {
  diff: DefinitionDiff; label: string; identicalText: string; fields?: readonly ConditionField[];
}) {
  const { t } = useTranslation("workflow", { keyPrefix: "changes" });
  // ": " in English, " : " in French.
  const colon = useTranslation("workflow", { keyPrefix: "diffText" }).t("colon");
  if (diff.identical) {
    return (
      <div className="wf-vdiff" role="region" aria-label={label}>
        <p className="wf-vdiff-none">{identicalText}</p>
      </div>
    );
  }
  return (
    <div className="wf-vdiff" role="region" aria-label={label}>
      {diff.fields.length > 0 && (
        <section aria-label={t("settingsChanged")}>
          <h4>{t("settings")}</h4>
          <ul className="wf-vdiff-list">
            {diff.fields.map((f) => (
              <li key={f.field}>
                <strong>{workflowFieldLabel(f.field)}</strong>{colon}<OldNew change={f} render={(v) => workflowFieldValue(f.field, v, fields)} />
              </li>
            ))}
          </ul>
        </section>
      )}
      {diff.added.length > 0 && (
        <section aria-label={t("added")}>
          <h4>{t("addedCount", { number: diff.added.length })}</h4>
          <ul className="wf-vdiff-list">
            {diff.added.map((s) => (
              <li key={s.path} className="wf-vdiff-added">
                <span aria-hidden="true">+ </span>
                <strong>{s.step}</strong> <span className="hint">{t("at", { position: stepPosition(s.path) })}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {diff.removed.length > 0 && (
        <section aria-label={t("removed")}>
          <h4>{t("removedCount", { number: diff.removed.length })}</h4>
          <ul className="wf-vdiff-list">
            {diff.removed.map((s) => (
              <li key={s.path} className="wf-vdiff-removed">
                <span aria-hidden="true">− </span>
                <strong>{s.step}</strong> <span className="hint">{t("was", { position: stepPosition(s.path) })}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {diff.moved.length > 0 && (
        <section aria-label={t("moved")}>
          <h4>{t("movedCount", { number: diff.moved.length })}</h4>
          <ul className="wf-vdiff-list">
            {diff.moved.map((m) => (
              <li key={`${m.from}>${m.to}`} className="wf-vdiff-moved">
                <strong>{m.step}</strong>{colon}{stepPosition(m.from)} → {stepPosition(m.to)}
              </li>
            ))}
          </ul>
        </section>
      )}
      {diff.changed.length > 0 && (
        <section aria-label={t("changed")}>
          <h4>{t("changedCount", { number: diff.changed.length })}</h4>
          <ul className="wf-vdiff-list">
            {diff.changed.map((c) => (
              <li key={c.path} className="wf-vdiff-changed">
                <strong>{c.step}</strong> <span className="hint">({stepPosition(c.path)})</span>
                <ul className="wf-vdiff-fields">
                  {c.changes.map((f) => (
                    <li key={f.field}>
                      <code>{f.field}</code>{colon}<OldNew change={f} render={(v) => stepFieldValue(f.field, v, fields)} />
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

/** "old → new", each cut short with its full value as a tooltip. */
function OldNew({ change, render }: { change: FieldChange; render: (value: unknown) => string }) {
  return (
    <>
      <del className="wf-vdiff-old" title={fullValue(change.old)}>{render(change.old)}</del>
      {" → "}
      <ins className="wf-vdiff-new" title={fullValue(change.new)}>{render(change.new)}</ins>
    </>
  );
}
