// Moving blueprints between installations: download a version's export file, and import such a
// file (GET {id}/export/, POST import_blueprint/). A refusal keeps the API's details (the actions
// this installation lacks, the inputs a new version breaks) so it can be shown as a list.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError, toApiError, type Schemas } from "../../api/client";
import i18n from "../../i18n";
import { filenameFromDisposition, saveBlob } from "../workflows/workflowTransfer";
import type { Blueprint } from "./types";

const t = i18n.getFixedT(null, "blueprints");

/** Why a file was not imported: the API's messages and the details it gave. */
export interface ImportRefusal {
  /** The file's name. */
  file: string;
  messages: string[];
  missingActions: string[];
  breakingChanges: string[];
}

/** Read the API's `detail` (a string, an object or a list of `{msg, loc, info}`) as a refusal. */
export function refusalFrom(file: string, status: number, body: unknown): ImportRefusal {
  const detail = (body as { detail?: unknown } | undefined)?.detail ?? body;
  const items = typeof detail === "string" ? [{ msg: detail }] : Array.isArray(detail) ? detail : detail ? [detail] : [];
  const refusal: ImportRefusal = { file, messages: [], missingActions: [], breakingChanges: [] };
  for (const raw of items as { msg?: unknown; info?: { missing_actions?: unknown; breaking_changes?: unknown } }[]) {
    refusal.messages.push(typeof raw?.msg === "string" ? raw.msg : JSON.stringify(raw));
    const info = raw?.info ?? {};
    if (Array.isArray(info.missing_actions)) refusal.missingActions.push(...info.missing_actions.map(String));
    if (Array.isArray(info.breaking_changes)) refusal.breakingChanges.push(...info.breaking_changes.map(String));
  }
  if (refusal.messages.length === 0) refusal.messages.push(t("transfer.answered", { status }));
  return refusal;
}

/** Download a version's export file; `notice` names the file once saved. */
export function useBlueprintExport() {
  const [notice, setNotice] = useState<string | null>(null);
  const download = useMutation({
    mutationFn: async (blueprint: Blueprint) => {
      // Through the typed client, so the request carries the session's token.
      const result = await api
        .GET("/api/v1/workflow/process-templates/{blueprint_id}/export/", {
          params: { path: { blueprint_id: blueprint.id } },
          parseAs: "blob",
        })
        .catch((err: Error) => {
          throw new ApiError(0, t("transfer.networkError", { reason: err.message }));
        });
      if (!result.response.ok || !result.data) throw toApiError(result.response.status, result.error);
      const filename = filenameFromDisposition(result.response.headers.get("Content-Disposition")) ?? `blueprint-${blueprint.id}.blueprint.json`;
      saveBlob(result.data as Blob, filename);
      return filename;
    },
    onMutate: () => setNotice(null),
    onSuccess: (filename) => setNotice(t("transfer.exported", { file: filename })),
  });
  return { start: download.mutate, busy: download.isPending, error: download.error, notice, reset: download.reset };
}

/**
 * Import a blueprint file chosen with `pick()` (render `fileInput` somewhere): a file that is not
 * JSON is reported before anything is sent; `onImported` gets the installed version.
 */
export function useBlueprintImport(onImported: (blueprint: Blueprint) => void) {
  const queryClient = useQueryClient();
  const inputRef = useRef<HTMLInputElement>(null);
  const [refusal, setRefusal] = useState<ImportRefusal | null>(null);

  // A refusal is an answer, not a failure of the call: it comes back as a value.
  const upload = useMutation({
    mutationFn: async ({ file, document }: { file: string; document: unknown }): Promise<Blueprint | ImportRefusal> => {
      try {
        const result = await api.POST("/api/v1/workflow/process-templates/import_blueprint/", { body: document as Schemas["BlueprintIn"] });
        if (!result.response.ok || !result.data) return refusalFrom(file, result.response.status, result.error);
        return result.data;
      } catch (err) {
        return refusalFrom(file, 0, t("transfer.networkError", { reason: (err as Error).message }));
      }
    },
    onSuccess: (answer) => {
      if ("messages" in answer) {
        setRefusal(answer);
        return;
      }
      void queryClient.invalidateQueries({ queryKey: ["blueprints"] });
      onImported(answer);
    },
  });

  const readFile = async (file: File) => {
    setRefusal(null);
    let document: unknown;
    try {
      document = JSON.parse(await file.text());
    } catch (err) {
      setRefusal({ file: file.name, messages: [t("transfer.notJson", { reason: (err as Error).message })], missingActions: [], breakingChanges: [] });
      return;
    }
    if (typeof document !== "object" || document === null || Array.isArray(document)) {
      setRefusal({ file: file.name, messages: [t("transfer.notBlueprint")], missingActions: [], breakingChanges: [] });
      return;
    }
    upload.mutate({ file: file.name, document });
  };

  const fileInput = (
    <input ref={inputRef} type="file" accept=".json,application/json" hidden aria-label={t("transfer.fileLabel")}
      onChange={(e) => {
        const file = e.target.files?.[0];
        // Cleared so that picking the same file again imports it again.
        e.target.value = "";
        if (file) void readFile(file);
      }} />
  );
  return {
    pick: () => inputRef.current?.click(),
    fileInput,
    busy: upload.isPending,
    refusal,
    clear: () => setRefusal(null),
  };
}

/** Why an import was refused, with the missing actions and the breaking changes as lists. */
export function ImportRefusalMessage({ refusal, onClose }: { refusal: ImportRefusal; onClose: () => void }) {
  const { t } = useTranslation("blueprints");
  return (
    <div className="error-box bp-refusal" role="alert">
      <p><strong>{t("transfer.notImported", { file: refusal.file })}</strong></p>
      <ul>{refusal.messages.map((m, i) => <li key={i}>{m}</li>)}</ul>
      {refusal.missingActions.length > 0 && (
        <>
          <p>{t("transfer.missingActions")}</p>
          <ul aria-label={t("transfer.missingActionsList")}>{refusal.missingActions.map((a) => <li key={a}><code>{a}</code></li>)}</ul>
        </>
      )}
      {refusal.breakingChanges.length > 0 && (
        <>
          <p>{t("transfer.breaking")}</p>
          <ul aria-label={t("transfer.breakingList")}>{refusal.breakingChanges.map((c) => <li key={c}>{c}</li>)}</ul>
        </>
      )}
      <button type="button" onClick={onClose}>{t("transfer.dismiss")}</button>
    </div>
  );
}
