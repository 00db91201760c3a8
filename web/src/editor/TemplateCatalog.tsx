// "Create from template": the template catalog (as the new-workflow page or in a dialog).
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
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
  const { t } = useTranslation("editor");
  const templates = useTemplates(true);
  const [category, setCategory] = useState("all");
  if (templates.isPending) return <Loading label={t("templates.loading")} />;
  if (templates.isError) return <ErrorMessage error={templates.error} onRetry={() => templates.refetch()} />;
  const categories = [...new Set(templates.data.map((template) => template.category))];
  const shown = templates.data.filter((template) => category === "all" || template.category === category);
  return (
    <section className="template-catalog" aria-labelledby="template-catalog-title">
      <div className="row">
        <h2 id="template-catalog-title">{t("templates.title")}</h2>
        <span className="spacer" />
        {categories.length > 1 && (
          <label className="row tight">
            <span>{t("templates.category")}</span>
            <select value={category} onChange={(e) => setCategory(e.target.value)}>
              <option value="all">{t("templates.all")}</option>
              {categories.map((c) => <option key={c} value={c}>{c.replace(/_/g, " ")}</option>)}
            </select>
          </label>
        )}
        {onBlank && <button type="button" onClick={onBlank}>{t("templates.blank")}</button>}
      </div>
      {shown.length === 0 ? (
        <p className="hint">{t("templates.none")}</p>
      ) : (
        <ul className="template-grid">
          {shown.map((template) => (
            <li key={template.id} className="card template-card">
              <h3>{template.name}</h3>
              <p className="hint">
                {t("templates.card", { category: template.category.replace(/_/g, " "), trigger: template.trigger_type.replace(/_/g, " ") })}
                {t("templates.steps", { count: (template.definition.actions as unknown[] | undefined)?.length ?? 0 })}
              </p>
              <p>{template.description}</p>
              <button type="button" className="primary" aria-label={t("templates.useNamed", { name: template.name })} onClick={() => onPick(template)}>
                {t("templates.use")}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function TemplateDialog({ open, onPick, onClose }: { open: boolean; onPick: (t: TemplateInfo) => void; onClose: () => void }) {
  const { t } = useTranslation("editor");
  const ref = useModalDialog(open);
  return (
    <dialog ref={ref} className="dialog template-dialog" aria-label={t("templates.title")}
      onCancel={(e) => { e.preventDefault(); onClose(); }}>
      {open && (
        <>
          <p className="hint">{t("templates.replaces")}</p>
          <TemplateCatalog onPick={onPick} />
          <div className="dialog-actions"><button type="button" onClick={onClose}>{t("templates.cancel")}</button></div>

        </>
      )}
    </dialog>
  );
}
