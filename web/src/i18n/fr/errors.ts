// Textes français de l'espace de noms errors.
import type { Catalog } from "../catalog";
import type { errors as en } from "../en/errors";

export const errors: Catalog<typeof en> = {};
