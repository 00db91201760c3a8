// Textes français de l'espace de noms variables.
import type { Catalog } from "../catalog";
import type { variables as en } from "../en/variables";

export const variables: Catalog<typeof en> = {};
