// The change a suggestion proposes: for a patch, what it changes in words (before → after) and the
// patched workflow on a read-only graph with the changed steps marked; for a new workflow, its
// trigger and steps in words and on the graph; for advice, that nothing changes by itself.
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { Trans, useTranslation } from "react-i18next";
import { api, unwrap } from "../../api/client";
import { ErrorMessage, Loading } from "../../components/common";
import { useConditionFields } from "../../components/DecisionWords";
import { FlowCanvas } from "../../editor/FlowCanvas";
import { defaultLabel, normaliseSteps } from "../../editor/graph";
import { triggerLines } from "../../editor/summaries";
import { conditionsText, stepOutline, stepTypeText, triggerText, type StepLine } from "../blueprints/describe";
import { DefinitionChanges } from "../workflows/VersionChanges";
import { proposePatch } from "./proposal";
import { changeOf, type PatchChange, type Suggestion } from "./types";

type Obj = Record<string, unknown>;
const noSelect = () => {};

function Outline({ lines }: { lines: StepLine[] }) {
  const { t } = useTranslation("suggestions");
  return (
    <ol className="sg-steps">
      {lines.map((line) => (
        <li key={line.path}>
          {line.text}
          {line.lanes.map((lane) => (
            <div key={lane.title} className="sg-lane">
              <span className="hint">{lane.title}</span>
              {lane.steps.length ? <Outline lines={lane.steps} /> : <p className="hint">{t("change.nothing")}</p>}
            </div>
          ))}
        </li>
      ))}
    </ol>
  );
}

/** A definition on the editor's canvas, read-only, with `highlights` (step path → why). */
function DefinitionGraph({ definition, highlights, label }: { definition: Obj; highlights?: Record<string, string>; label: string }) {
  const actions = useMemo(() => normaliseSteps(definition.actions), [definition.actions]);
  const type = String(definition.trigger_type ?? "");
  const config = useMemo(() => (definition.trigger_config ?? {}) as Obj, [definition.trigger_config]);
  const lines = useMemo(() => triggerLines(type, config, definition.conditions), [type, config, definition.conditions]);
  return (
    <figure className="sg-graph" aria-label={label}>
      <FlowCanvas actions={actions} selected={null} onSelect={noSelect} labelOf={defaultLabel} typeLabel={stepTypeText}
        triggerLabel={triggerText(type, config)} triggerLines={lines} errorCounts={{}} readOnly highlights={highlights} />
      <figcaption className="hint">{label}</figcaption>
    </figure>
  );
}

function PatchView({ suggestion, change }: { suggestion: Suggestion; change: PatchChange }) {
  const { t } = useTranslation("suggestions");
  const workflowId = change.workflow_id;
  const workflow = useQuery({
    queryKey: ["workflow", workflowId],
    queryFn: () => unwrap(api.GET("/api/v1/workflows/{workflow_id}", { params: { path: { workflow_id: workflowId } } })),
  });
  const proposal = useMemo(() => (workflow.data ? proposePatch(workflow.data as unknown as Obj, change) : null), [workflow.data, change]);
  const fields = useConditionFields();
  if (workflow.isPending) return <Loading label={t("change.loadingWorkflow")} />;
  if (workflow.isError) return <ErrorMessage error={workflow.error} onRetry={() => void workflow.refetch()} />;
  if (!proposal) return null;
  if (!proposal.ok) {
    return suggestion.status === "pending" ? (
      <div className="sg-stale" role="note">
        <p><strong>{t("change.staleTitle")}</strong>{t("change.stale", { reason: proposal.reason })}</p>
      </div>
    ) : (
      <p className="hint">{t("change.staleDecided", { reason: proposal.reason })}</p>
    );
  }
  const version = workflow.data.version;
  return (
    <>
      <p className="hint">
        {t("change.compared", { name: workflow.data.name, version })}
        {change.base_version !== version ? t("change.minedOn", { version: change.base_version }) : ""}
        {t("change.comparedEnd")}
        {suggestion.status === "pending" && (workflow.data.status === "active" ? t("change.activeCopy") : t("change.newVersion"))}
      </p>
      <DefinitionChanges diff={proposal.diff} label={t("change.whatItDoes")} identicalText={t("change.identical")} fields={fields} />
      <DefinitionGraph definition={proposal.after} highlights={proposal.highlights}
        label={t("change.graph")} />
    </>
  );
}

function NewWorkflowView({ definition }: { definition: Obj }) {
  const { t } = useTranslation("suggestions");
  const conditions = conditionsText(definition.conditions);
  return (
    <>
      <p><Trans t={t} i18nKey="change.newWorkflow" values={{ name: String(definition.name ?? "") }} components={{ strong: <strong /> }} /></p>
      <dl className="sg-figures" aria-label={t("change.theNewWorkflow")}>
        <div><dt>{t("change.trigger")}</dt><dd>{triggerText(String(definition.trigger_type ?? ""), (definition.trigger_config ?? {}) as Obj)}</dd></div>
        <div><dt>{t("change.conditions")}</dt><dd>{conditions || t("change.none")}</dd></div>
      </dl>
      <h4>{t("change.steps")}</h4>
      <Outline lines={stepOutline(definition.actions)} />
      <DefinitionGraph definition={definition} label={t("change.proposedGraph")} />
    </>
  );
}

export function ChangeView({ suggestion }: { suggestion: Suggestion }) {
  const { t } = useTranslation("suggestions");
  const change = changeOf(suggestion);
  if (!change) {
    return (
      <p className="sg-advice">
        <strong>{t("change.adviceTitle")}</strong>{t("change.advice")}
      </p>
    );
  }
  if (change.type === "new_workflow") return <NewWorkflowView definition={change.definition} />;
  return <PatchView suggestion={suggestion} change={change} />;
}
