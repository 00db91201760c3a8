// Finding a CRM record by name for a test or a run (the list endpoints' `q` search).
import { api, unwrap } from "../../api/client";
import i18n from "../../i18n";

type Values = Record<string, string | number>;
// Read when the records arrive, in the interface's language of the moment.
const say = (key: "contactNumber" | "activity" | "activityDetail", values: Values): string =>
  (i18n.t as unknown as (key: string, values?: object) => string)(`pickers:record.${key}`, values);
const known = (key: string, fallback: string): string =>
  i18n.exists(key) ? (i18n.t as unknown as (key: string) => string)(key) : fallback;
/** An activity's kind ("call") and a record type ("deal") in the interface's words. */
const kindWord = (kind: string) => known(`values:enums.kind.${kind}`, kind);
const typeWord = (type: string) => known(`runs:recordTypes.${type}`, type).toLocaleLowerCase(i18n.language);

export interface RecordOption { id: number; label: string; detail?: string }

const SIZE = 10;

/** Whether records of `entity` can be searched by name (activities cannot). */
export function searchable(entity: string): boolean {
  return entity !== "activity";
}

/** Records of `entity` whose name matches `q` (the most recent ones when `q` is empty). */
export async function findRecords(entity: string, q: string): Promise<RecordOption[]> {
  const query = { q: q.trim() || undefined, size: SIZE };
  switch (entity) {
    case "organisation": {
      const page = await unwrap(api.GET("/api/v1/organisations", { params: { query } }));
      return page.items.map((o) => ({ id: o.id, label: o.name, detail: o.pipeline_stage ?? undefined }));
    }
    case "deal": {
      const page = await unwrap(api.GET("/api/v1/deals", { params: { query } }));
      return page.items.map((d) => ({ id: d.id, label: d.title, detail: [d.stage, d.amount != null ? String(d.amount) : ""].filter(Boolean).join(" · ") }));
    }
    case "contact": {
      const page = await unwrap(api.GET("/api/v1/contacts", { params: { query } }));
      return page.items.map((c) => ({ id: c.id, label: [c.first_name, c.last_name].filter(Boolean).join(" ") || c.email || say("contactNumber", { id: c.id }), detail: c.email ?? undefined }));
    }
    case "task": {
      const page = await unwrap(api.GET("/api/v1/tasks", { params: { query } }));
      return page.items.map((t) => ({ id: t.id, label: t.title, detail: t.status }));
    }
    case "activity": {
      const page = await unwrap(api.GET("/api/v1/activities", { params: { query: { size: SIZE } } }));
      return page.items.map((a) => ({
        id: a.id,
        label: a.subject || say("activity", { kind: kindWord(a.kind), id: a.id }),
        detail: say("activityDetail", { kind: kindWord(a.kind), type: typeWord(a.entity_type), id: a.entity_id }),
      }));
    }
    default:
      return [];
  }
}
