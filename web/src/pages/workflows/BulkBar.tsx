// The workflow list's bulk bar: one action on the selected workflows (POST /workflows/bulk, one
// result per id) or one export file holding them all (POST /workflows/export).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { api, ApiError, toApiError, unwrap, type Schemas } from "../../api/client";
import { ConfirmDialog, ErrorMessage } from "../../components/common";
import { MAX_TAG_LENGTH, TAGS_KEY, TagSuggestions } from "./tags";
import { filenameFromDisposition, saveBlob } from "./workflowTransfer";

type BulkAction = Schemas["WorkflowBulkRequest"]["action"];

/** What the last bulk action did: a sentence, and each failure with its reason. */
export interface BulkOutcome {
  text: string;
  failures: { id: number; name?: string | null; error?: string | null }[];
}

const plural = (n: number) => (n === 1 ? "1 workflow" : `${n} workflows`);

/** "Deactivated 2 workflows." / "Tagged 3 workflows “hot”." */
export function outcomeText(action: BulkAction, succeeded: number, tag?: string): string {
  const what = plural(succeeded);
  switch (action) {
    case "activate":
      return `Activated ${what}.`;
    case "deactivate":
      return `Deactivated ${what}.`;
    case "delete":
      return `Deleted ${what}.`;
    case "add_tag":
      return `Tagged ${what} “${tag}”.`;
    case "remove_tag":
      return `Removed the tag “${tag}” from ${what}.`;
  }
}

export function BulkOutcomeView({ outcome }: { outcome: BulkOutcome }) {
  return (
    <div className="wf-bulk-outcome">
      <p className="hint">{outcome.text}</p>
      {outcome.failures.length > 0 && (
        <>
          <p className="wf-bulk-failed">{outcome.failures.length} could not be changed:</p>
          <ul className="wf-bulk-failures">
            {outcome.failures.map((f) => (
              <li key={f.id}>
                <strong>{f.name ?? `Workflow #${f.id}`}</strong>: {f.error}
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
          throw new ApiError(0, `network error: ${err.message}`);
        });
      if (!result.response.ok || !result.data) throw toApiError(result.response.status, result.error);
      const filename = filenameFromDisposition(result.response.headers.get("Content-Disposition")) ?? "workflows.crmflow.json";
      saveBlob(result.data, filename);
      return filename;
    },
    onSuccess: (filename) => onDone({ text: `Exported ${plural(count)} as ${filename}.`, failures: [] }, false),
  });

  const busy = run.isPending || exporter.isPending;
  const act = (action: BulkAction, withTag?: string) => run.mutate({ ids, action, ...(withTag ? { tag: withTag } : {}) });

  return (
    <div className="wf-bulk" role="region" aria-label="Bulk actions">
      <div className="row wf-bulk-bar">
        <strong aria-live="polite">{count} selected</strong>
        <button type="button" disabled={busy} onClick={() => act("activate")}>
          Activate
        </button>
        <button type="button" disabled={busy} onClick={() => act("deactivate")}>
          Deactivate
        </button>
        <button type="button" disabled={busy} aria-pressed={tagMode === "add_tag"} onClick={() => setTagMode(tagMode === "add_tag" ? null : "add_tag")}>
          Add tag
        </button>
        <button type="button" disabled={busy} aria-pressed={tagMode === "remove_tag"} onClick={() => setTagMode(tagMode === "remove_tag" ? null : "remove_tag")}>
          Remove tag
        </button>
        <button type="button" disabled={busy} onClick={() => exporter.mutate()}>
          Export
        </button>
        <button type="button" className="danger-outline" disabled={busy} onClick={() => setConfirmDelete(true)}>
          Delete
        </button>
        <button type="button" className="link" onClick={onClear}>
          Clear selection
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
            <span>{tagMode === "add_tag" ? "Tag to add" : "Tag to remove"}</span>
            <input list={listId} value={tag} maxLength={MAX_TAG_LENGTH} autoFocus onChange={(e) => setTag(e.target.value)} />
          </label>
          <TagSuggestions id={listId} />
          <button type="submit" className="primary" disabled={busy || !tag.trim()}>
            {tagMode === "add_tag" ? `Add to ${plural(count)}` : `Remove from ${plural(count)}`}
          </button>
        </form>
      )}
      {!!run.error && <ErrorMessage error={run.error} />}
      {!!exporter.error && <ErrorMessage error={exporter.error} />}
      {confirmDelete && (
      <ConfirmDialog
        open
        title={`Delete ${plural(count)}?`}
        confirmLabel={`Delete ${plural(count)}`}
        danger
        onConfirm={() => {
          setConfirmDelete(false);
          act("delete");
        }}
        onCancel={() => setConfirmDelete(false)}
      >
        <p>
          {[...selected.values()].slice(0, 5).join(", ")}
          {count > 5 ? ` and ${count - 5} more` : ""} will be removed with their history. This cannot be undone.
        </p>
      </ConfirmDialog>
      )}
    </div>
  );
}
