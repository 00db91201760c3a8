// The workflow list's bulk bar: one action on the selected workflows (POST /workflows/bulk, one
// result per id) or one export file holding them all (POST /workflows/export).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError, toApiError, unwrap, type Schemas } from "../../api/client";
import { ConfirmDialog, ErrorMessage } from "../../components/common";
import i18n from "../../i18n";
import { MAX_TAG_LENGTH, TAGS_KEY, TagSuggestions } from "./tags";
import { filenameFromDisposition, saveBlob } from "./workflowTransfer";

type BulkAction = Schemas["WorkflowBulkRequest"]["action"];

/** What the last bulk action did: a sentence, and each failure with its reason. */
export interface BulkOutcome {
  text: string;
  failures: { id: number; name?: string | null; error?: string | null }[];
}

/** "Deactivated 2 workflows." / "Tagged 3 workflows “hot”." (in the interface's language) */
export function outcomeText(action: BulkAction, succeeded: number, tag?: string): string {
  return i18n.t(`workflows:bulk.done.${action}`, { count: succeeded, tag: tag ?? "" });
}

export function BulkOutcomeView({ outcome }: { outcome: BulkOutcome }) {
  const { t } = useTranslation("workflows");
  return (
    <div className="wf-bulk-outcome">
      <p className="hint">{outcome.text}</p>
      {outcome.failures.length > 0 && (
        <>
          <p className="wf-bulk-failed">{t("bulk.failed", { count: outcome.failures.length })}</p>
          <ul className="wf-bulk-failures">
            {outcome.failures.map((f) => (
              <li key={f.id}>
                <strong>{f.name ?? t("bulk.unnamed", { id: f.id })}</strong>
                {t("bulk.separator")}
                {f.error}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/** The bar shown while workflows are selected; `onDone` reports what happened. */
export function BulkBar({
  selected,
  onDone,
  onClear,
}: {
  selected: Map<number, string>;
  onDone: (outcome: BulkOutcome, clear: boolean) => void;
  onClear: () => void;
}) {
  const { t } = useTranslation("workflows");
  const queryClient = useQueryClient();
  const listId = useId();
  const [tagMode, setTagMode] = useState<"add_tag" | "remove_tag" | null>(null);
  const [tag, setTag] = useState("");
  const [confirmDelete, setConfirmDelete] = useState(false);
  const ids = [...selected.keys()];
  const count = ids.length;

  const run = useMutation({
    mutationFn: (body: Schemas["WorkflowBulkRequest"]) => unwrap(api.POST("/api/v1/workflows/bulk", { body })),
    onSuccess: (result, body) => {
      void queryClient.invalidateQueries({ queryKey: ["workflows"] });
      void queryClient.invalidateQueries({ queryKey: ["workflow"] });
      void queryClient.invalidateQueries({ queryKey: TAGS_KEY });
      setTagMode(null);
      setTag("");
      onDone(
        {
          text: outcomeText(body.action, result.succeeded, body.tag ?? undefined),
          failures: result.results.filter((r) => !r.ok),
        },
        true,
      );
    },
  });

  const exporter = useMutation({
    mutationFn: async () => {
      const result = await api
        .POST("/api/v1/workflows/export", { body: { ids }, parseAs: "blob" })
        .catch((err: Error) => {
          throw new ApiError(0, t("transfer.networkError", { reason: err.message }));
        });
      if (!result.response.ok || !result.data) throw toApiError(result.response.status, result.error);
      const filename = filenameFromDisposition(result.response.headers.get("Content-Disposition")) ?? "workflows.crmflow.json";
      saveBlob(result.data, filename);
      return filename;
    },
    onSuccess: (filename) => onDone({ text: t("bulk.exported", { count, filename }), failures: [] }, false),
  });

  const busy = run.isPending || exporter.isPending;
  // The first five names, then how many more.
  const deleteNames = () => {
    const names = [...selected.values()].slice(0, 5).join(", ");
    return count > 5 ? t("bulk.andMore", { names, count: count - 5 }) : names;
  };
  const act = (action: BulkAction, withTag?: string) => run.mutate({ ids, action, ...(withTag ? { tag: withTag } : {}) });

  return (
    <div className="wf-bulk" role="region" aria-label={t("bulk.label")}>
      <div className="row wf-bulk-bar">
        <strong aria-live="polite">{t("bulk.selected", { count })}</strong>
        <button type="button" disabled={busy} onClick={() => act("activate")}>
          {t("bulk.activate")}
        </button>
        <button type="button" disabled={busy} onClick={() => act("deactivate")}>
          {t("bulk.deactivate")}
        </button>
        <button type="button" disabled={busy} aria-pressed={tagMode === "add_tag"} onClick={() => setTagMode(tagMode === "add_tag" ? null : "add_tag")}>
          {t("bulk.addTag")}
        </button>
        <button type="button" disabled={busy} aria-pressed={tagMode === "remove_tag"} onClick={() => setTagMode(tagMode === "remove_tag" ? null : "remove_tag")}>
          {t("bulk.removeTag")}
        </button>
        <button type="button" disabled={busy} onClick={() => exporter.mutate()}>
          {t("bulk.export")}
        </button>
        <button type="button" className="danger-outline" disabled={busy} onClick={() => setConfirmDelete(true)}>
          {t("bulk.delete")}
        </button>
        <button type="button" className="link" onClick={onClear}>
          {t("bulk.clearSelection")}
        </button>
      </div>
      {tagMode && (
        <form
          className="row wf-bulk-tag"
          onSubmit={(e) => {
            e.preventDefault();
            if (tag.trim()) act(tagMode, tag.trim());
          }}
        >
          <label className="field">
            <span>{tagMode === "add_tag" ? t("bulk.tagToAdd") : t("bulk.tagToRemove")}</span>
            <input list={listId} value={tag} maxLength={MAX_TAG_LENGTH} autoFocus onChange={(e) => setTag(e.target.value)} />
          </label>
          <TagSuggestions id={listId} />
          <button type="submit" className="primary" disabled={busy || !tag.trim()}>
            {tagMode === "add_tag" ? t("bulk.addTo", { count }) : t("bulk.removeFrom", { count })}
          </button>
        </form>
      )}
      {!!run.error && <ErrorMessage error={run.error} />}
      {!!exporter.error && <ErrorMessage error={exporter.error} />}
      {confirmDelete && (
      <ConfirmDialog
        open
        title={t("bulk.deleteTitle", { count })}
        confirmLabel={t("bulk.deleteConfirm", { count })}
        danger
        onConfirm={() => {
          setConfirmDelete(false);
          act("delete");
        }}
        onCancel={() => setConfirmDelete(false)}
      >
        <p>{t("bulk.deleteText", { count, names: deleteNames() })}</p>
      </ConfirmDialog>
      )}
    </div>
  );
}
