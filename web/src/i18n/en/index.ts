// Every English namespace. A new namespace: its file here and in ../fr, and one line in each index.
import { common } from "./common";

export const en = { common } as const;
