// The company's workflows by id, for pages that list runs or breaches of many workflows (the
// API gives those a workflow_id only). One request of up to 500, sorted by name.
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../../api/client";
import type { WorkflowListItem } from "./labels";

export const NAMES_PAGE_SIZE = 500;

export function useWorkflowNames() {
  const { t } = useTranslation("workflows");
  const query = useQuery({
    queryKey: ["workflows", "names"],
    queryFn: () =>
      unwrap(api.GET("/api/v1/workflows", { params: { query: { size: NAMES_PAGE_SIZE, sort: "name" } } })),
    staleTime: 60_000,
  });
  const items: WorkflowListItem[] = query.data?.items ?? [];
  const byId = new Map(items.map((w) => [w.id, w.name]));
  return {
    query,
    items,
    /** More workflows than one request brings: some names show as "Workflow #id" ("Workflow n° id"). */
    truncated: !!query.data && query.data.total > items.length,
    name: (id: number) => byId.get(id) ?? t("numbered", { id }),
  };
}
