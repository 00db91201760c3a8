// Textes français de l'espace de noms workflows.
import type { Catalog } from "../catalog";
import type { workflows as en } from "../en/workflows";

export const workflows: Catalog<typeof en> = {};
