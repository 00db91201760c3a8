// /workflows/new (optionally ?template=<slug>) and /workflows/:workflowId/edit: a multi-step form
// (basics, trigger, conditions, steps) over one definition object, with a visual step editor and
// a JSON view of the same definition; API validation errors appear next to the field they name.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useState, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation, useNavigate, useParams, useSearchParams } from "react-router-dom";
import { ApiError, api, unwrap, type FieldError } from "../api/client";
import { useEditorData } from "../api/editorSchema";
import { ErrorMessage, Loading } from "../components/common";
import { formatDateTime } from "../format";
import { AddStepDialog } from "./AddStepDialog";
import { SavedBanner, SaveErrors } from "./SaveStatus";
import { ConditionBuilder } from "./ConditionBuilder";
import { BLANK, SECTIONS, sectionOf, toDefinition, type Section } from "./definition";
import { cleanLoc, ErrorsFor } from "./errors";
import { FlowCanvas } from "./FlowCanvas";
import { allStepPaths, getList, getStep, insertStep, locToStep, moveStep, removeStep, splitStepPath, updateStep } from "./graph";
import { JsonView } from "./JsonView";
import { positionsAfterInsert, positionsAfterMove, positionsAfterRemove, prunePositions, toGraphLayout, type Positions } from "./layout";
import { BasicsSection, TriggerSection } from "./sections";
import { stepMarks } from "./simulation/highlight";
import { TestPanel } from "./simulation/TestPanel";
import { useTestSession } from "./simulation/useTestSession";
import { StepPanel } from "./StepPanel";
import { CONTROL_LABELS, newStep, stepLabel } from "./steps";
import { triggerLines } from "./summaries";
import { TemplateCatalog, TemplateDialog, useTemplates } from "./TemplateCatalog";
import type { CatalogEntry, Definition, FieldInfo, Json, Step, TemplateInfo } from "./types";
import { UndoToast, useUndoToast } from "./UndoToast";
import { LeaveDialog, useUnsavedGuard } from "./UnsavedGuard";
import { useEditorShortcuts } from "./useEditorShortcuts";
import { useEditorState, type EditorState } from "./useEditorState";
import { useLocalDraft } from "./useLocalDraft";
import { VariableScopeContext } from "./variables/scope";
import "./editor.css";

// ------------------------------------------------------------------------------- the page

/** Router state: what was just saved (a blueprint's form sends `fromBlueprint` with its new draft). */
export interface SavedState {
  saved?: { version: number; warnings: string[]; fromBlueprint?: { name: string; version: string } };
}

export default function WorkflowEditorPage() {
  const { t, i18n } = useTranslation("editor");
  const { workflowId } = useParams();
  const [search, setSearch] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const isNew = !workflowId;
  const templateSlug = search.get("template");
  const { schema, catalog } = useEditorData();
  const workflow = useQuery({
    queryKey: ["editor", "workflow", workflowId],
    queryFn: () => unwrap(api.GET("/api/v1/workflows/{workflow_id}", { params: { path: { workflow_id: Number(workflowId) } } })),
    enabled: !isNew,
  });
  const templates = useTemplates(isNew && !!templateSlug);

  const editor = useEditorState();
  const { def, layout, dirty, defDirty } = editor;
  const [loadedFrom, setLoadedFrom] = useState<string | null>(null);
  const [section, setSection] = useState<Section>(() => (search.get("section") === "test" ? "test" : "basics"));
  const [selected, setSelected] = useState<string | null>(null);
  const [adding, setAdding] = useState<{ listPath: string; index: number; title: string } | null>(null);
  const [templateDialog, setTemplateDialog] = useState(false);
  const [changeNote, setChangeNote] = useState("");
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<SavedState["saved"] | null>(null);
  const [blank, setBlank] = useState(false);
  const guard = useUnsavedGuard(dirty);
  const toast = useUndoToast<EditorState | null>(editor.state);
  const draftContent = useMemo(() => (def ? { def, positions: layout.positions } : null), [def, layout.positions]);
  const draft = useLocalDraft({
    key: isNew ? "new" : String(workflowId), current: draftContent, dirty, version: isNew ? null : workflow.data?.version,
  });
  const savedState = (location.state as SavedState | null)?.saved;
  useEffect(() => {
    if (savedState) setSaved(savedState);
  }, [savedState]);

  // Load the definition once per source (a workflow, a template, a blank start).
  const source = isNew ? (templateSlug ? `template:${templateSlug}` : blank ? "blank" : null) : `workflow:${workflowId}`;
  useEffect(() => {
    if (source === null || source === loadedFrom) return;
    if (!isNew && workflow.data) {
      editor.load(toDefinition(workflow.data as unknown as Record<string, unknown>), workflow.data.graph_layout?.positions);
      setLoadedFrom(source);
    } else if (isNew && templateSlug && templates.data) {
      const t = templates.data.find((x) => x.id === templateSlug);
      editor.load(t ? { ...toDefinition(t.definition, t.name), status: "draft" } : { ...BLANK });
      setLoadedFrom(source);
    } else if (isNew && !templateSlug && blank) {
      editor.load({ ...BLANK });
      setLoadedFrom(source);
    }
  }, [source, loadedFrom, isNew, workflow.data, templates.data, templateSlug, blank, editor.load]);

  // The positions of nodes do not change what a test runs.
  const test = useTestSession({ def, workflowId: isNew ? null : Number(workflowId), dirty: defDirty, schema: schema.data });
  const marks = useMemo(
    () => (def && test.fresh ? stepMarks(test.result, def.actions) : null),
    [def, test.fresh, test.result],
  );

  const catalogMap = useMemo(() => new Map<string, CatalogEntry>((catalog.data ?? []).map((c) => [c.action_type, c])), [catalog.data]);
  const editorSchema = schema.data;
  const triggerType = def?.trigger_type ?? "manual";
  const fields: FieldInfo[] = useMemo(() => {
    if (!editorSchema) return [];
    const kinds = editorSchema.trigger_entities[triggerType] ?? Object.keys(editorSchema.entities);
    return [...kinds.flatMap((k) => editorSchema.entities[k] ?? []), ...editorSchema.trigger_fields];
  }, [editorSchema, triggerType]);
  const operators = editorSchema?.operators ?? [];
  const labelOf = useCallback((step: Step) => stepLabel(step, catalogMap), [catalogMap]);
  const typeLabel = useCallback((type: string) => CONTROL_LABELS[type] ?? catalogMap.get(type)?.name ?? type, [catalogMap]);
  const summary = useMemo(
    () => (def ? triggerLines(def.trigger_type, def.trigger_config, def.conditions) : []),
    // The language too: the lines are in it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [def?.trigger_type, def?.trigger_config, def?.conditions, i18n.language],
  );
  const errorCounts = useMemo(() => {
    const counts: Record<string, number> = {};
    for (const e of errors) {
      const hit = locToStep(cleanLoc(e.loc));
      if (hit) counts[hit.stepPath] = (counts[hit.stepPath] ?? 0) + 1;
    }
    return counts;
  }, [errors]);

  // Typing in one field is one undo entry per burst.
  const { edit } = editor;
  const set = useCallback((patch: Partial<Definition>) => edit((d) => ({ ...d, ...patch }), `def:${Object.keys(patch).join(",")}`), [edit]);
  /** An edit of its own undo entry; a destructive one (`removed` says what went) offers Undo in a toast. */
  const record = (after: EditorState | null, removed?: string) => {
    if (!after) return;
    editor.replace(after);
    if (removed) toast.show(removed, after);
  };
  /** A destructive change of the definition (a branch, a condition group removed): positions are reconciled. */
  const removal = (patch: Partial<Definition>, removed: string) => record(editor.state && { ...editor.state, def: { ...editor.state.def, ...patch } }, removed);
  /** A change of the step tree (insert, remove, move): positions follow their steps. */
  const restructure = (actions: Step[], remap: (p: Positions) => Positions, removed?: string) => {
    record(editor.restructured(actions, remap), removed);
    setErrors((list) => list.filter((e) => sectionOf(e.loc) !== "steps"));
  };
  const openAdd = useCallback((listPath: string, index: number, title: string) => setAdding({ listPath, index, title }), []);
  const [focusPanel, setFocusPanel] = useState(false);
  const onSelect = useCallback((path: string) => {
    setFocusPanel(false);
    setSelected((s) => (s === path ? null : path));
  }, []);

  const pickTemplate = (t: TemplateInfo) => {
    setTemplateDialog(false);
    setErrors([]);
    setSaveError(null);
    setSelected(null);
    if (isNew) {
      setLoadedFrom(null);
      setSearch({ template: t.id });
    } else {
      const next = { ...toDefinition(t.definition, t.name), status: def?.status ?? "draft" };
      // The template replaces every step: only the trigger keeps its position.
      editor.replace({ def: next, placed: layout.follow((positions) => prunePositions(positions, []), next.actions) });
    }
    setSection("basics");
  };

  const goTo = (loc: string) => {
    const s = sectionOf(loc);
    if (s) setSection(s);
    const hit = locToStep(cleanLoc(loc));
    if (hit) setSelected(hit.stepPath);
  };
  // A step named by its path (`actions/1/else/0`): open it on the Steps section.
  const showStep = (path: string) => {
    setFocusPanel(false);
    setSection("steps");
    setSelected(path);
  };

  const save = async () => {
    if (!def || saving) return;
    setSaving(true);
    setSaveError(null);
    setSaved(null);
    const body = {
      name: def.name,
      description: def.description,
      trigger_type: def.trigger_type as "manual",
      trigger_config: def.trigger_config,
      conditions: def.conditions,
      actions: def.actions,
      run_policy: def.run_policy,
      status: (def.status ?? "draft") as "draft",
      graph_layout: toGraphLayout(layout.positions),
    };
    try {
      const result = isNew
        ? await unwrap(api.POST("/api/v1/workflows", { body: { ...body, is_template: false } }))
        : await unwrap(api.PUT("/api/v1/workflows/{workflow_id}", {
          params: { path: { workflow_id: Number(workflowId) } },
          body: { ...body, change_note: changeNote },
        }));
      setErrors([]);
      void queryClient.invalidateQueries({ queryKey: ["workflows"] });
      const info = { version: result.version, warnings: result.warnings ?? [] };
      draft.discard();
      if (isNew) {
        guard.allowNavigation();
        navigate(`/workflows/${result.id}/edit`, { replace: true, state: { saved: info } });
      } else {
        editor.saved(toDefinition(result as unknown as Record<string, unknown>), result.graph_layout?.positions ?? undefined);
        queryClient.setQueryData(["editor", "workflow", workflowId], result);
        setChangeNote("");
        setSaved(info);
      }
    } catch (err) {
      const list = err instanceof ApiError ? err.fieldErrors.filter((e) => e.loc !== "") : [];
      setErrors(list);
      setSaveError(err);
      if (list.length) goTo(list[0].loc);
    } finally {
      setSaving(false);
    }
  };

  useEditorShortcuts({ save: () => void save(), undo: editor.undo, redo: editor.redo });
  const restoreDraft = () => {
    if (!draft.offer) return;
    const { def: kept, positions } = draft.offer;
    if (!def) {
      // A new workflow's draft, offered before a template was picked: it starts from blank.
      editor.load({ ...BLANK });
      setBlank(true);
      setLoadedFrom("blank");
    }
    editor.replace({ def: kept, placed: { actions: kept.actions, positions } });
    draft.restore();
  };
  const draftOffer = draft.offer && (
    <div className="save-banner warn draft-offer" role="group" aria-labelledby="draft-offer-text">
      <p id="draft-offer-text">{t("page.draftOffer", { when: formatDateTime(draft.offer.savedAt) })}</p>
      <button type="button" className="primary" onClick={restoreDraft}>{t("page.restore")}</button>
      <button type="button" onClick={draft.discard}>{t("page.discard")}</button>
    </div>
  );

  // ----- loading and error states
  const title = isNew ? t("page.newTitle") : def?.name ? t("page.editTitleNamed", { name: def.name }) : t("page.editTitle");
  if (schema.isError || catalog.isError || workflow.isError || templates.isError) {
    const error = schema.error ?? catalog.error ?? workflow.error ?? templates.error;
    return (
      <div className="editor-page">
        <h1>{title}</h1>
        <ErrorMessage error={error} onRetry={() => {
          void schema.refetch();
          void catalog.refetch();
          if (!isNew) void workflow.refetch();
          if (templateSlug) void templates.refetch();
        }} />
      </div>
    );
  }
  if (isNew && source === null) {
    return (
      <div className="editor-page">
        <h1>{t("page.newTitle")}</h1>
        {draftOffer}
        <TemplateCatalog onPick={pickTemplate} onBlank={() => setBlank(true)} />
      </div>
    );
  }
  if (!def || !editorSchema || !catalog.data) return <Loading label={t("page.loading")} />;

  const selectedStep = selected ? getStep(def.actions, selected) : undefined;
  const stepCount = allStepPaths(def.actions).length;
  const triggerInfo = editorSchema.triggers.find((t) => t.type === def.trigger_type);
  const sectionErrors = (key: Section) => errors.filter((e) => sectionOf(e.loc) === key).length;
  const orphanErrors = errors.filter((e) => sectionOf(e.loc) === null);
  const index = SECTIONS.findIndex((s) => s.key === section);
  const onTabKey = (e: KeyboardEvent<HTMLButtonElement>) => {
    const delta = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
    if (!delta && e.key !== "Home" && e.key !== "End") return;
    e.preventDefault();
    const next = e.key === "Home" ? 0 : e.key === "End" ? SECTIONS.length - 1 : (index + delta + SECTIONS.length) % SECTIONS.length;
    setSection(SECTIONS[next].key);
    document.getElementById(`tab-${SECTIONS[next].key}`)?.focus();
  };
  const selectedSiblings = selected ? getList(def.actions, splitStepPath(selected).listPath).length : 0;
  const selectedIndex = selected ? splitStepPath(selected).index : 0;
  // The variable picker offers what the draft on screen reads, not the last saved version.
  const variableScope = { schema: editorSchema, triggerType: def.trigger_type, steps: def.actions };

  return (
    <VariableScopeContext.Provider value={variableScope}>
    <div className="editor-page">
      <div className="row editor-head">
        <h1>{title}</h1>
        {templateSlug && isNew && <span className="badge">{t("page.fromTemplate")}</span>}
        <span className="spacer" />
        {!isNew && <Link to={`/workflows/${workflowId}`}>{t("page.backToWorkflow")}</Link>}
        {dirty && <span className="hint" role="status">{t("page.unsaved")}</span>}
        <button type="button" onClick={editor.undo} disabled={!editor.canUndo} title={t("page.undoTitle")} aria-keyshortcuts="Control+Z">
          {t("page.undo")}
        </button>
        <button type="button" onClick={editor.redo} disabled={!editor.canRedo} title={t("page.redoTitle")}
          aria-keyshortcuts="Control+Shift+Z Control+Y">{t("page.redo")}</button>
        <button type="button" onClick={() => setTemplateDialog(true)}>{t("page.fromTemplateButton")}</button>
        <button type="button" className="primary" onClick={save} disabled={saving} title={t("page.saveTitle")} aria-keyshortcuts="Control+S">
          {saving ? t("page.saving") : t("page.save")}
        </button>
      </div>
      {draftOffer}

      {saved && <SavedBanner saved={saved} workflowId={workflowId} />}
      {saveError !== null && <SaveErrors error={saveError} errors={errors} onShow={goTo} />}

      <div className="tabs" role="tablist" aria-label={t("page.sectionsLabel")}>
        {SECTIONS.map((s, i) => {
          const count = sectionErrors(s.key);
          return (
            <button key={s.key} type="button" role="tab" id={`tab-${s.key}`} aria-controls={`panel-${s.key}`}
              aria-selected={section === s.key} tabIndex={section === s.key ? 0 : -1}
              onClick={() => setSection(s.key)} onKeyDown={onTabKey}>
              {s.key === "json" ? t("sections.json") : t("page.tab", { number: i + 1, label: t(`sections.${s.key}`) })}
              {count > 0 && (
                <>
                  <span className="badge badge-failed" aria-hidden="true">{count}</span>
                  <span className="sr-only">{t("page.tabProblems", { count })}</span>
                </>
              )}
            </button>
          );
        })}
      </div>

      <div role="tabpanel" id={`panel-${section}`} aria-labelledby={`tab-${section}`} className="editor-panel">
        {section === "basics" && (
          <BasicsSection def={def} set={set} errors={errors} isNew={isNew} changeNote={changeNote} setChangeNote={setChangeNote} />
        )}
        {section === "trigger" && <TriggerSection def={def} set={set} errors={errors} triggers={editorSchema.triggers} />}
        {section === "conditions" && (
          <div>
            <p className="hint">
              {t("page.conditionsHint", { entities: (editorSchema.trigger_entities[def.trigger_type] ?? []).join(", ") || t("page.noEntities") })}
            </p>
            <ConditionBuilder label={t("page.conditions")} value={def.conditions}
              onChange={(conditions, removed) => {
                const patch = { conditions: conditions as unknown as Json };
                if (removed) removal(patch, removed);
                else set(patch);
              }}
              fields={fields} operators={operators} errorPrefix="conditions" errors={errors} />
          </div>
        )}
        {section === "steps" && (
          <div>
            <div className="row steps-toolbar">
              <button type="button" onClick={() => openAdd("actions", def.actions.length, t("page.addStep"))}>{t("page.addStep")}</button>
              <span className="hint">{t("page.stepsHint")}</span>
              <span className="spacer" />
              <span className="hint">{t("page.steps", { count: stepCount })}</span>
            </div>
            <div className={`steps-layout${selectedStep ? " with-panel" : ""}`}>
              <FlowCanvas actions={def.actions} selected={selectedStep ? selected : null} onSelect={onSelect} onAdd={openAdd}
                labelOf={labelOf} typeLabel={typeLabel} triggerLabel={t("page.trigger", { label: triggerInfo?.label ?? def.trigger_type })}
                triggerLines={summary} errorCounts={errorCounts} marks={marks}
                positions={layout.positions} onMoveNode={layout.move} onTidy={layout.tidy} />
              {selectedStep && selected && (
                <StepPanel
                  key={selected}
                  step={selectedStep}
                  path={selected}
                  catalog={catalogMap}
                  fields={fields}
                  operators={operators}
                  errors={errors}
                  onChange={(step, removed) => (removed
                    ? removal({ actions: updateStep(def.actions, selected, step) }, removed)
                    : edit((d) => ({ ...d, actions: updateStep(d.actions, selected, step) }), `step:${selected}`))}
                  onRemove={() => {
                    restructure(removeStep(def.actions, selected), (positions) => positionsAfterRemove(positions, selected), t("page.stepRemoved"));
                    setSelected(null);
                  }}
                  onMove={(delta) => {
                    const moved = moveStep(def.actions, selected, delta);
                    restructure(moved.actions, (positions) => positionsAfterMove(positions, selected, moved.path));
                    setSelected(moved.path);
                  }}
                  canMoveUp={selectedIndex > 0}
                  canMoveDown={selectedIndex < selectedSiblings - 1}
                  onClose={() => setSelected(null)}
                  autoFocus={focusPanel}
                />
              )}
            </div>
          </div>
        )}
        {section === "test" && (
          <div className="test-layout">
            <TestPanel
              session={test}
              triggerType={def.trigger_type}
              subject={isNew ? t("page.testNew") : defDirty ? t("page.testUnsaved") : t("page.testSaved", { version: workflow.data?.version ?? "" }).trim()}
              typeLabel={typeLabel}
              labelOfPath={(path) => {
                const step = getStep(def.actions, path);
                return step ? labelOf(step) : path;
              }}
              onGoTo={goTo}
              onShowStep={showStep}
              fields={fields}
            />
            <div>
              <FlowCanvas actions={def.actions} selected={null} onSelect={showStep}
                onAdd={(listPath, at, addTitle) => { setSection("steps"); openAdd(listPath, at, addTitle); }}
                labelOf={labelOf} typeLabel={typeLabel} triggerLabel={t("page.trigger", { label: triggerInfo?.label ?? def.trigger_type })}
                triggerLines={summary} errorCounts={errorCounts} marks={marks} positions={layout.positions} />
              <p className="hint sim-legend">
                {marks ? t("page.legendMarks") : t("page.legendNone")}
              </p>
            </div>
          </div>
        )}
        {section === "json" && <JsonView definition={def} onChange={(d) => edit(() => ({ ...d, status: d.status ?? def.status }), "json")} />}
        {orphanErrors.length > 0 && section !== "json" && <ErrorsFor errors={orphanErrors} />}
      </div>

      <div className="row editor-foot">
        {index > 0 && (
          <button type="button" onClick={() => setSection(SECTIONS[index - 1].key)}>
            {t("page.back", { label: t(`sections.${SECTIONS[index - 1].key}`) })}
          </button>
        )}
        <span className="spacer" />
        {index < SECTIONS.length - 2 && (
          <button type="button" onClick={() => setSection(SECTIONS[index + 1].key)}>
            {t("page.next", { label: t(`sections.${SECTIONS[index + 1].key}`) })}
          </button>
        )}
      </div>

      <AddStepDialog
        open={adding !== null}
        title={adding?.title ?? t("addStep.title")}

        stepTypes={editorSchema.step_types}
        catalog={catalog.data}
        onClose={() => setAdding(null)}
        onPick={(type) => {
          if (!adding) return;
          const { listPath, index: at } = adding;
          restructure(insertStep(def.actions, listPath, at, newStep(type, fields)), (positions) => positionsAfterInsert(positions, listPath, at));
          setSelected(`${listPath}/${at}`);
          setFocusPanel(true);
          setAdding(null);
        }}
      />
      <TemplateDialog open={templateDialog} onPick={pickTemplate} onClose={() => setTemplateDialog(false)} />
      <UndoToast message={toast.message} onUndo={editor.undo} />
      <LeaveDialog blocker={guard.blocker} onLeave={draft.discard} />
    </div>
    </VariableScopeContext.Provider>
  );
}
