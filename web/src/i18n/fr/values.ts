// Textes français de l'espace de noms values.
import type { Catalog } from "../catalog";
import type { values as en } from "../en/values";

export const values: Catalog<typeof en> = {};
