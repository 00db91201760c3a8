// Textes français de l'espace de noms pickers.
import type { Catalog } from "../catalog";
import type { pickers as en } from "../en/pickers";

export const pickers: Catalog<typeof en> = {};
