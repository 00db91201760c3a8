// Moving workflows between installations: download a workflow's export file, and import such a
// file back as drafts (GET /workflows/{id}/export, POST /workflows/import).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router-dom";
import { api, ApiError, toApiError, unwrap } from "../../api/client";
import i18n from "../../i18n";

/** Where a workflow page shows what happened before it was opened (an import). */
export interface WorkflowPageState {
  notice?: string;
}

/** The file name an attachment's Content-Disposition gives (`filename*=` first), else null. */
export function filenameFromDisposition(header: string | null): string | null {
  if (!header) return null;
  const encoded = /filename\*\s*=\s*[^']*'[^']*'([^;]+)/i.exec(header);
  if (encoded) {
    try {
      return decodeURIComponent(encoded[1].trim().replace(/^"|"$/g, ""));
    } catch {
      // A malformed encoding: fall back on the plain filename.
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(header);
  return plain ? (plain[2] ?? plain[1]).trim() || null : null;
}

/** Hand a blob to the browser as a download named `filename`. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser reads the URL after click() returns: free it a little later.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Download a workflow's export file; `notice` names the file once saved. */
export function useWorkflowExport() {
  const { t } = useTranslation("workflows");
  const [notice, setNotice] = useState<string | null>(null);
  const download = useMutation({
    mutationFn: async (workflowId: number) => {
      // Through the typed client, so the request carries the session's token like any other.
      const result = await api
        .GET("/api/v1/workflows/{workflow_id}/export", {
          params: { path: { workflow_id: workflowId } },
          parseAs: "blob",
        })
        .catch((err: Error) => {
          throw new ApiError(0, t("transfer.networkError", { reason: err.message }));
        });
      if (!result.response.ok || !result.data) throw toApiError(result.response.status, result.error);
      const filename =
        filenameFromDisposition(result.response.headers.get("Content-Disposition")) ??
        `workflow-${workflowId}.crmflow.json`;
      saveBlob(result.data, filename);
      return filename;
    },
    onMutate: () => setNotice(null),
    onSuccess: (filename) => setNotice(t("transfer.exportedAs", { filename })),
  });
  return {
    start: (workflowId: number) => download.mutate(workflowId),
    busy: download.isPending,
    error: download.error,
    notice,
  };
}

/** "Imported 1 workflow as a draft." / "Imported 3 workflows as drafts." (in the interface's language) */
export function importedText(count: number): string {
  return i18n.t("workflows:transfer.imported", { count });
}

/**
 * Import an export file chosen with `pick()` (render `fileInput` somewhere): the file must be
 * JSON before anything is sent; one imported workflow is opened, several refresh the list.
 */
export function useWorkflowImport() {
  const { t } = useTranslation("workflows");
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const inputRef = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const upload = useMutation({
    mutationFn: (document: unknown) => unwrap(api.POST("/api/v1/workflows/import", { body: document })),
    onSuccess: (created) => {
      void queryClient.invalidateQueries({ queryKey: ["workflows"] });
      const text = importedText(created.length);
      if (created.length === 1) {
        const state: WorkflowPageState = { notice: text };
        navigate(`/workflows/${created[0].id}`, { state });
      } else setNotice(text);
    },
    onError: (err) =>
      setError(err instanceof ApiError ? new ApiError(err.status, t("transfer.nothingImported", { message: err.message }), err.fieldErrors) : err),
  });

  const readFile = async (file: File) => {
    setError(null);
    setNotice(null);
    let text: string;
    try {
      text = await file.text();
    } catch (err) {
      setError(new Error(t("transfer.unreadable", { file: file.name, message: (err as Error).message })));
      return;
    }
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (err) {
      setError(new Error(t("transfer.notJson", { file: file.name, message: (err as Error).message })));
      return;
    }
    upload.mutate(document);
  };

  const fileInput = (
    <input
      ref={inputRef}
      type="file"
      accept=".json,application/json"
      hidden
      aria-label={t("transfer.fileLabel")}
      onChange={(e) => {
        const file = e.target.files?.[0];
        // Cleared so that picking the same file again (after fixing it) imports it again.
        e.target.value = "";
        if (file) void readFile(file);
      }}
    />
  );
  return {
    pick: () => inputRef.current?.click(),
    fileInput,
    busy: upload.isPending,
    error,
    notice,
    clearError: () => setError(null),
  };
}
