// The company's choices (stages, users, titles, roles, tags), loaded once and shared by pickers.
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import type { Choices } from "./types";

export function useChoices() {
  return useQuery({
    queryKey: ["choices"],
    queryFn: (): Promise<Choices> => unwrap(api.GET("/api/v1/choices")),
    staleTime: 60_000,
  });
}
