// Textes français de l'espace de noms workflow.
import type { Catalog } from "../catalog";
import type { workflow as en } from "../en/workflow";

export const workflow: Catalog<typeof en> = {};
