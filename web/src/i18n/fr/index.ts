// Tous les espaces de noms français (mêmes clés que ../en, vérifié par tsc et par i18n.test.ts).
import type { Catalog } from "../catalog";
import type { en } from "../en";
import { common } from "./common";

export const fr: Catalog<typeof en> = { common };
