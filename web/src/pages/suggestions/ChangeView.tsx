// The change a suggestion proposes: for a patch, what it changes in words (before → after) and the
// patched workflow on a read-only graph with the changed steps marked; for a new workflow, its
// trigger and steps in words and on the graph; for advice, that nothing changes by itself.
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { api, unwrap } from "../../api/client";
import { ErrorMessage, Loading } from "../../components/common";
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
  return (
    <ol className="sg-steps">
      {lines.map((line) => (
        <li key={line.path}>
          {line.text}
          {line.lanes.map((lane) => (
            <div key={lane.title} className="sg-lane">
              <span className="hint">{lane.title}</span>
              {lane.steps.length ? <Outline lines={lane.steps} /> : <p className="hint">nothing</p>}
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
  const workflowId = change.workflow_id;
  const workflow = useQuery({
    queryKey: ["workflow", workflowId],
    queryFn: () => unwrap(api.GET("/api/v1/workflows/{workflow_id}", { params: { path: { workflow_id: workflowId } } })),
  });
  const proposal = useMemo(() => (workflow.data ? proposePatch(workflow.data as unknown as Obj, change) : null), [workflow.data, change]);
  if (workflow.isPending) return <Loading label="Loading the workflow…" />;
  if (workflow.isError) return <ErrorMessage error={workflow.error} onRetry={() => void workflow.refetch()} />;
  if (!proposal) return null;
  if (!proposal.ok) {
    return suggestion.status === "pending" ? (
      <div className="sg-stale" role="note">
        <p><strong>The workflow changed since this was mined</strong> ({proposal.reason}): accepting would be refused. Generate suggestions again.</p>
      </div>
    ) : (
      <p className="hint">The workflow has changed since ({proposal.reason}), so the change can no longer be shown against it.</p>
    );
  }
  const version = workflow.data.version;
  return (
    <>
      <p className="hint">
        Compared with “{workflow.data.name}” as it is now (version {version}
        {change.base_version !== version ? `; mined on version ${change.base_version}, the change still applies` : ""}).
        {suggestion.status === "pending" &&
          (workflow.data.status === "active"
            ? " The workflow is active: accepting saves a draft copy with the change, the live workflow is left as it is."
            : " Accepting saves the change as a new version of the workflow (a draft).")}
      </p>
      <DefinitionChanges diff={proposal.diff} label="What the change does" identicalText="No changes: the workflow already does this." />
      <DefinitionGraph definition={proposal.after} highlights={proposal.highlights}
        label="The workflow with the change; the steps it adds, changes or moves are highlighted." />
    </>
  );
}

function NewWorkflowView({ definition }: { definition: Obj }) {
  const conditions = conditionsText(definition.conditions);
  return (
    <>
      <p>A new workflow, <strong>“{String(definition.name ?? "")}”</strong>, saved as a draft when you accept.</p>
      <dl className="sg-figures" aria-label="The new workflow">
        <div><dt>Trigger</dt><dd>{triggerText(String(definition.trigger_type ?? ""), (definition.trigger_config ?? {}) as Obj)}</dd></div>
        <div><dt>Conditions</dt><dd>{conditions || "none"}</dd></div>
      </dl>
      <h4>Steps</h4>
      <Outline lines={stepOutline(definition.actions)} />
      <DefinitionGraph definition={definition} label="The proposed workflow." />
    </>
  );
}

export function ChangeView({ suggestion }: { suggestion: Suggestion }) {
  const change = changeOf(suggestion);
  if (!change) {
    return (
      <p className="sg-advice">
        <strong>No automatic change: advice only.</strong> Accepting records that you agree; the change is yours to make in the editor.
      </p>
    );
  }
  if (change.type === "new_workflow") return <NewWorkflowView definition={change.definition} />;
  return <PatchView suggestion={suggestion} change={change} />;
}
