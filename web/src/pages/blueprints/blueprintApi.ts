// The blueprint catalog's API calls (GET/DELETE /workflow/process-templates/…), as queries and
// mutations shared by the catalog and the detail panel.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import { versionsOf, type Blueprint } from "./types";

export const PAGE_SIZE = 50;
// Every installed version of every name fits in one page of the largest size.
const ALL = 500;

/** One page of the catalog (the newest version of each name). */
export function useBlueprintList({ search, type, page }: { search: string; type: string; page: number }) {
  return useQuery({
    queryKey: ["blueprints", "list", { search, type, page }],
    queryFn: () =>
      unwrap(api.GET("/api/v1/workflow/process-templates/", {
        params: { query: { search: search || undefined, template_type: type || undefined, page, size: PAGE_SIZE } },
      })),
    placeholderData: keepPreviousData,
  });
}

/** The blueprint types in use, for the type filter; asked once `ready` (after the first list:
 *  the first list of a company installs the built-in blueprints, and two at once would race). */
export function useBlueprintTypes(ready: boolean) {
  return useQuery({
    queryKey: ["blueprints", "types"],
    queryFn: async () => {
      const all = await unwrap(api.GET("/api/v1/workflow/process-templates/", { params: { query: { size: ALL } } }));
      return [...new Set(all.items.map((b) => b.template_type))].sort();
    },
    enabled: ready,
    staleTime: 60_000,
  });
}

/** One installed version, with the list of every version of its name. */
export function useBlueprint(id: number | null) {
  return useQuery({
    queryKey: ["blueprints", "one", id],
    queryFn: () => unwrap(api.GET("/api/v1/workflow/process-templates/{blueprint_id}/", { params: { path: { blueprint_id: id as number } } })),
    enabled: id !== null,
  });
}

/** The id of each installed version of a blueprint's name (only asked when there are several). */
export function useBlueprintVersions(blueprint: Blueprint | undefined) {
  const several = !!blueprint && versionsOf(blueprint).length > 1;
  return useQuery({
    queryKey: ["blueprints", "versions", blueprint?.name],
    queryFn: async () => {
      const page = await unwrap(api.GET("/api/v1/workflow/process-templates/", {
        params: { query: { search: blueprint!.name, all_versions: true, size: ALL } },
      }));
      // The search also matches descriptions: keep this name's versions only.
      return page.items.filter((b) => b.name === blueprint!.name).map((b) => ({ id: b.id, version: b.version }));
    },
    enabled: several,
  });
}

/** Delete (or, for a built-in one, archive) a blueprint version. */
export function useBlueprintDelete(onDeleted: (blueprint: Blueprint) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (blueprint: Blueprint) =>
      unwrap(api.DELETE("/api/v1/workflow/process-templates/{blueprint_id}/", { params: { path: { blueprint_id: blueprint.id } } })),
    onSuccess: (_data, blueprint) => {
      queryClient.removeQueries({ queryKey: ["blueprints", "one", blueprint.id] });
      void queryClient.invalidateQueries({ queryKey: ["blueprints"] });
      onDeleted(blueprint);
    },
  });
}
