// Textes français de l'espace de noms editor.
import type { Catalog } from "../catalog";
import type { editor as en } from "../en/editor";

export const editor: Catalog<typeof en> = {};
