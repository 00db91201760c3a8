// "Create from template": the template catalog (as the new-workflow page or in a dialog).
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap } from "../api/client";
import { ErrorMessage, Loading } from "../components/common";
import { useModalDialog } from "../components/useModalDialog";
import type { TemplateInfo } from "./types";

export function useTemplates(enabled: boolean) {
  return useQuery({
    queryKey: ["editor", "templates"],
    queryFn: () => unwrap(api.GET("/api/v1/workflows/templates/list")) as Promise<TemplateInfo[]>,
    enabled,
    staleTime: 5 * 60_000,
  });
}
export function TemplateCatalog({ onPick, onBlank }: { onPick: (template: TemplateInfo) => void; onBlank?: () => void }) {
  const templates = useTemplates(true);
  const [category, setCategory] = useState("all");
  if (templates.isPending) return <Loading label="Loading templates…" />;
  if (templates.isError) return <ErrorMessage error={templates.error} onRetry={() => templates.refetch()} />;
  const categories = [...new Set(templates.data.map((t) => t.category))];
  const shown = templates.data.filter((t) => category === "all" || t.category === category);
  return (
    <section className="template-catalog" aria-labelledby="template-catalog-title">
      <div className="row">
        <h2 id="template-catalog-title">Create from template</h2>
        <span className="spacer" />
        {categories.length > 1 && (
          <label className="row tight">
            <span>Category</span>
            <select value={category} onChange={(e) => setCategory(e.target.value)}>
              <option value="all">All</option>
              {categories.map((c) => <option key={c} value={c}>{c.replace(/_/g, " ")}</option>)}
            </select>
          </label>
        )}
        {onBlank && <button type="button" onClick={onBlank}>Start from scratch</button>}
      </div>
      {shown.length === 0 ? (
        <p className="hint">No templates yet.</p>
      ) : (
        <ul className="template-grid">
          {shown.map((t) => (
            <li key={t.id} className="card template-card">
              <h3>{t.name}</h3>
              <p className="hint">
                {t.category.replace(/_/g, " ")} · trigger: {t.trigger_type.replace(/_/g, " ")} ·{" "}
                {(t.definition.actions as unknown[] | undefined)?.length ?? 0} steps
              </p>
              <p>{t.description}</p>
              <button type="button" className="primary" aria-label={`Use template "${t.name}"`} onClick={() => onPick(t)}>
                Use template
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function TemplateDialog({ open, onPick, onClose }: { open: boolean; onPick: (t: TemplateInfo) => void; onClose: () => void }) {
  const ref = useModalDialog(open);
  return (
    <dialog ref={ref} className="dialog template-dialog" aria-label="Create from template"
      onCancel={(e) => { e.preventDefault(); onClose(); }}>
      {open && (
        <>
          <p className="hint">Picking a template replaces the editor's current content (nothing is saved until you save).</p>
          <TemplateCatalog onPick={onPick} />
          <div className="dialog-actions"><button type="button" onClick={onClose}>Cancel</button></div>
        </>
      )}
    </dialog>
  );
}
