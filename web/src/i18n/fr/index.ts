// Tous les espaces de noms français (mêmes clés que ../en, vérifié par tsc et par i18n.test.ts).
import type { Catalog } from "../catalog";
import type { en } from "../en";
import { common } from "./common";
import { auth } from "./auth";
import { approvals } from "./approvals";
import { secrets } from "./secrets";
import { notifications } from "./notifications";
import { execution } from "./execution";
import { blueprints } from "./blueprints";
import { suggestions } from "./suggestions";
import { runs } from "./runs";
import { operations } from "./operations";
import { editor } from "./editor";
import { pickers } from "./pickers";
import { simulation } from "./simulation";
import { workflows } from "./workflows";
import { workflow } from "./workflow";
import { errors } from "./errors";
import { values } from "./values";
import { variables } from "./variables";

export const fr: Catalog<typeof en> = { common, auth, approvals, secrets, notifications, execution, blueprints, suggestions, runs, operations, editor, pickers, simulation, workflows, workflow, errors, values, variables };
