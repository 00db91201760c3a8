// The editor schema and the action catalog, as the server words them in the interface's language:
// shared by the workflow editor and the pages that describe a definition.
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { supported } from "../i18n";
import { api, unwrap, type Schemas } from "./client";

/** They change with a deployment, not while someone reads a page. */
const STALE_MS = 5 * 60_000;

/** The editor schema and action catalog queries; the language is in their keys so a switch refetches them. */
export function useEditorData() {
  const { i18n } = useTranslation();
  const language = supported(i18n.language) ?? "en";
  const schema = useQuery({
    queryKey: ["editor", "schema", language],
    queryFn: () => unwrap(api.GET("/api/v1/workflows/editor-schema")) as Promise<Schemas["EditorSchema"]>,
    staleTime: STALE_MS,
  });
  const catalog = useQuery({
    queryKey: ["editor", "catalog", language],
    queryFn: async () => (await unwrap(api.GET("/api/v1/workflow/action-catalog", { params: { query: { size: 500 } } }))).items,
    staleTime: STALE_MS,
  });
  return { schema, catalog };
}
