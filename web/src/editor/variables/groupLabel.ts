// The heading of a group of variables, in the interface's language.
import type { TFunction } from "i18next";

const RECORDS = ["organisation", "contact", "deal", "task", "activity"] as const;
const PEOPLE = ["owner", "assignee", "user"] as const;
type Record_ = (typeof RECORDS)[number];
type Person = (typeof PEOPLE)[number];

const isRecord = (s: string): s is Record_ => (RECORDS as readonly string[]).includes(s);
const isPerson = (s: string): s is Person => (PEOPLE as readonly string[]).includes(s);

/** `deal` -> Deal, `deal.owner.manager` -> Deal owner's manager, `trigger` -> Trigger. */
export function groupLabel(key: string, t: TFunction<"variables">): string {
  if (key === "trigger" || key === "steps" || key === "run") return t(`groups.${key}`);
  const [kind, person, manager] = key.split(".");
  if (!isRecord(kind)) return key;
  const record = t(`groups.record.${kind}`);
  if (person === undefined) return record;
  if (!isPerson(person)) return `${record} · ${person}`;
  return manager === "manager" ? t(`groups.people.${person}_manager`, { record }) : t(`groups.people.${person}`, { record });
}

/** A record type in running text (`deal` -> deal / affaire). */
export function recordName(kind: string, t: TFunction<"variables">): string {
  return isRecord(kind) ? t(`recordNames.${kind}`) : kind;
}
