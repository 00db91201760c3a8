// One blueprint version in full: what it is, its versions, its trigger and steps in words, a
// preview of its graph, and the form that creates a workflow from it; Export and Delete.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ConfirmDialog, ErrorMessage, Loading } from "../../components/common";
import { formatDateTime } from "../../format";
import { useBlueprint, useBlueprintDelete, useBlueprintVersions } from "./blueprintApi";
import { useBlueprintExport } from "./blueprintTransfer";
import { CreateWorkflowForm } from "./CreateWorkflowForm";
import { conditionsText, countSteps, stepOutline, triggerText, type StepLine } from "./describe";
import { GraphPreview } from "./GraphPreview";
import { graphOf, inputsOf, versionsOf, type Blueprint } from "./types";

function Outline({ lines }: { lines: StepLine[] }) {
  const { t } = useTranslation("blueprints");
  return (
    <ol className="bp-steps">
      {lines.map((line) => (
        <li key={line.path}>
          <span>{line.text}</span>
          {line.lanes.map((lane) => (
            <div key={lane.title} className="bp-lane">
              <span className="hint">{lane.title}</span>
              {lane.steps.length ? <Outline lines={lane.steps} /> : <p className="hint">{t("detail.nothing")}</p>}
            </div>
          ))}
        </li>
      ))}
    </ol>
  );
}

function VersionPicker({ blueprint, onSelect }: { blueprint: Blueprint; onSelect: (id: number) => void }) {
  const { t } = useTranslation("blueprints");
  const versions = useBlueprintVersions(blueprint);
  if (versionsOf(blueprint).length < 2) return <span className="badge bp-version">v{blueprint.version}</span>;
  return (
    <label className="row tight">
      <span>{t("detail.version")}</span>
      <select value={blueprint.id} disabled={!versions.data}
        onChange={(e) => onSelect(Number(e.target.value))}>
        {(versions.data ?? [{ id: blueprint.id, version: blueprint.version }]).map((v, i) => (
          <option key={v.id} value={v.id}>{i === 0 ? t("detail.newest", { version: v.version }) : v.version}</option>
        ))}
      </select>
    </label>
  );
}

export function BlueprintDetail({ id, canWrite, onSelect, onDeleted }: {
  id: number;
  canWrite: boolean;
  onSelect: (id: number) => void;
  onDeleted: (blueprint: Blueprint) => void;
}) {
  const { t } = useTranslation("blueprints");
  const query = useBlueprint(id);
  const exporter = useBlueprintExport();
  const [confirming, setConfirming] = useState(false);
  const remove = useBlueprintDelete(onDeleted);

  if (query.isPending) return <Loading label={t("detail.loading")} />;
  if (query.isError) return <ErrorMessage error={query.error} onRetry={() => void query.refetch()} />;
  const bp = query.data;
  const inputs = inputsOf(bp);
  const outline = stepOutline(bp.process_steps, inputs);
  const conditions = conditionsText(bp.conditions, inputs);
  const verb = bp.builtin ? t("detail.archive") : t("detail.delete");

  return (
    <article className="card bp-detail" aria-labelledby="bp-detail-title">
      <header className="row bp-detail-head">
        <h2 id="bp-detail-title">{bp.name}</h2>
        {bp.builtin && <span className="badge bp-builtin">{t("card.builtin")}</span>}
        <span className="spacer" />
        <VersionPicker blueprint={bp} onSelect={onSelect} />
      </header>
      <p className="hint">
        {t("detail.type", { type: bp.template_type.replace(/_/g, " ") })}{bp.author ? t("detail.by", { author: bp.author }) : ""}
        {t("detail.updated", { when: formatDateTime(bp.updated_at) })}
      </p>
      {bp.description && <p className="bp-description">{bp.description}</p>}

      <div className="row bp-detail-actions">
        <button type="button" onClick={() => exporter.start(bp)} disabled={exporter.busy}>
          {exporter.busy ? t("detail.exporting") : t("detail.export")}
        </button>
        {canWrite && (
          <button type="button" className="danger-outline" onClick={() => { remove.reset(); setConfirming(true); }} disabled={remove.isPending}>
            {verb}
          </button>
        )}
      </div>
      <div aria-live="polite">{exporter.notice && <p className="hint">{exporter.notice}</p>}</div>
      {!!exporter.error && <ErrorMessage error={exporter.error} onRetry={exporter.reset} />}
      {!!remove.error && <ErrorMessage error={remove.error} />}

      <div className="bp-detail-body">
        <section aria-labelledby="bp-how-title" className="bp-how">
          <h3 id="bp-how-title">{t("detail.whatItDoes")}</h3>
          <p><strong>{triggerText(bp.trigger_type, bp.trigger_config, inputs)}</strong>{conditions ? t("detail.ifConditions", { conditions }) : ""}:</p>
          {outline.length ? <Outline lines={outline} /> : <p className="hint">{t("detail.noSteps")}</p>}
          <p className="hint">{t("detail.stepsInAll", { count: countSteps(outline) })}</p>
        </section>
        <section aria-label={t("detail.graphPreview")} className="bp-preview">
          <GraphPreview graph={graphOf(bp)} steps={bp.process_steps} />
        </section>
      </div>

      {/* A new form per version: its defaults are that version's. */}
      <CreateWorkflowForm key={bp.id} blueprint={bp} canWrite={canWrite} />

      <ConfirmDialog
        open={confirming}
        title={t("detail.confirm", { verb, name: bp.name, version: bp.version })}
        confirmLabel={verb}
        danger
        onCancel={() => setConfirming(false)}
        onConfirm={() => { setConfirming(false); remove.mutate(bp); }}
      >
        <p>
          {bp.builtin
            ? t("detail.archiveText")
            : t("detail.deleteText")}
        </p>
      </ConfirmDialog>
    </article>
  );
}
