// Textes français de l'espace de noms simulation.
import type { Catalog } from "../catalog";
import type { simulation as en } from "../en/simulation";

export const simulation: Catalog<typeof en> = {};
