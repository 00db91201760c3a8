// Workflow tags: the company's tags with counts, chips on a row, and the editor on the detail page.
// Tags are metadata like the name: saving them makes no new version of the workflow.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../../api/client";
import { ErrorMessage } from "../../components/common";

export const TAGS_KEY = ["workflow-tags"] as const;
/** The API's limits (src/crmflow/workflows/tags.py). */
export const MAX_TAGS = 20;
export const MAX_TAG_LENGTH = 40;

/** Every tag of the company with how many workflows hold it, by name. */
export function useWorkflowTags() {
  return useQuery({
    queryKey: TAGS_KEY,
    queryFn: () => unwrap(api.GET("/api/v1/workflows/tags")),
    staleTime: 30_000,
  });
}

/** The company's tag names for an input's suggestions. */
export function TagSuggestions({ id }: { id: string }) {
  const tags = useWorkflowTags();
  return (
    <datalist id={id}>
      {(tags.data ?? []).map((tag) => (
        <option key={tag.name} value={tag.name} />
      ))}
    </datalist>
  );
}

export function TagChips({ tags }: { tags: string[] }) {
  const { t } = useTranslation("workflows");
  if (tags.length === 0) return null;
  return (
    <ul className="wf-tags" aria-label={t("tags.label")}>
      {tags.map((tag) => (
        <li key={tag} className="wf-tag">
          {tag}
        </li>
      ))}
    </ul>
  );
}

/** The detail page's tags: chips with a remove button each, and an input offering existing tags. */
export function TagEditor({ workflowId, tags, canWrite }: { workflowId: number; tags: string[]; canWrite: boolean }) {
  const { t } = useTranslation("workflows");
  const queryClient = useQueryClient();
  const listId = useId();
  const [draft, setDraft] = useState("");
  const save = useMutation({
    mutationFn: (next: string[]) =>
      unwrap(api.PUT("/api/v1/workflows/{workflow_id}", { params: { path: { workflow_id: workflowId } }, body: { tags: next, change_note: "" } })),
    onSuccess: (wf) => {
      setDraft("");
      queryClient.setQueryData(["workflow", workflowId], wf);
      void queryClient.invalidateQueries({ queryKey: ["workflows"] });
      void queryClient.invalidateQueries({ queryKey: TAGS_KEY });
    },
  });
  const add = () => {
    const tag = draft.trim();
    if (!tag) return;
    if (tags.some((t) => t.toLocaleLowerCase() === tag.toLocaleLowerCase())) {
      setDraft("");
      return;
    }
    save.mutate([...tags, tag]);
  };
  return (
    <div className="card wf-tag-editor">
      <h3>{t("tags.title")}</h3>
      {tags.length === 0 && <p className="hint">{t("tags.none")}</p>}
      <ul className="wf-tags" aria-label={t("tags.label")}>
        {tags.map((tag) => (
          <li key={tag} className="wf-tag">
            {tag}
            {canWrite && (
              <button
                type="button"
                className="wf-tag-remove"
                aria-label={t("tags.remove", { tag })}
                disabled={save.isPending}
                onClick={() => save.mutate(tags.filter((other) => other !== tag))}
              >
                ×
              </button>
            )}
          </li>
        ))}
      </ul>
      {canWrite && tags.length < MAX_TAGS && (
        <form
          className="row wf-tag-form"
          onSubmit={(e) => {
            e.preventDefault();
            add();
          }}
        >
          <label className="field">
            <span>{t("tags.newTag")}</span>
            <input list={listId} value={draft} maxLength={MAX_TAG_LENGTH} onChange={(e) => setDraft(e.target.value)} />
          </label>
          <TagSuggestions id={listId} />
          <button type="submit" disabled={save.isPending || !draft.trim()}>
            {t("tags.add")}
          </button>
        </form>
      )}
      {canWrite && tags.length >= MAX_TAGS && <p className="hint">{t("tags.atMost", { count: MAX_TAGS })}</p>}
      {!!save.error && <ErrorMessage error={save.error} />}
    </div>
  );
}
