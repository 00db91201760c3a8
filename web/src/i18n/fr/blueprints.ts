// Textes français du catalogue de modèles (/blueprints) : la liste, un modèle, le formulaire de ses paramètres.
import type { Catalog } from "../catalog";
import type { blueprints as en } from "../en/blueprints";

export const blueprints: Catalog<typeof en> = {
  title: "Modèles",
};
