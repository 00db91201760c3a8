// The all-runs page's filters: read from the query string, turned into the API's query.
import type { Schemas } from "../../api/client";
import i18n from "../../i18n";
import { EXECUTION_STATUSES, intParam } from "../workflows/labels";

/** The records a run can be triggered on (crm/records.py). */
export const RECORD_TYPES = ["organisation", "contact", "deal", "task", "activity"] as const;
type RecordType = (typeof RECORD_TYPES)[number];

/** A record type in words, in the current language ("deal" -> "Deal"); an unknown one as it is. */
export function recordTypeLabel(type: string): string {
  return (RECORD_TYPES as readonly string[]).includes(type)
    ? i18n.t(`recordTypes.${type as RecordType}`, { ns: "runs" })
    : type;
}

export interface RunFilters {
  status: string;
  workflowId: number | null;
  since: string;
  until: string;
  recordType: string;
  recordId: number | null;
  page: number;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function readFilters(params: URLSearchParams): RunFilters {
  const status = params.get("status") ?? "";
  const recordType = params.get("record_type") ?? "";
  const date = (key: string) => {
    const value = params.get(key) ?? "";
    return DATE.test(value) ? value : "";
  };
  return {
    status: (EXECUTION_STATUSES as string[]).includes(status) ? status : "",
    workflowId: intParam(params.get("workflow_id"), 0) || null,
    since: date("since"),
    until: date("until"),
    recordType: (RECORD_TYPES as readonly string[]).includes(recordType) ? recordType : "",
    recordId: intParam(params.get("record_id"), 0) || null,
    page: intParam(params.get("page"), 1),
  };
}

export function isFiltered(f: RunFilters): boolean {
  return !!(f.status || f.workflowId || f.since || f.until || f.recordType || f.recordId);
}

/** Local midnight of a `YYYY-MM-DD` day, `plusDays` later, as an ISO instant. */
export function dayStart(day: string, plusDays = 0): string {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(y, m - 1, d + plusDays).toISOString();
}

/** The API's query: `until` is exclusive, so the last day counts in full (before the next midnight). */
export function apiQuery(f: RunFilters, size: number) {
  return {
    page: f.page,
    size,
    status: (f.status || undefined) as Schemas["ExecutionStatus"] | undefined,
    workflow_id: f.workflowId ?? undefined,
    since: f.since ? dayStart(f.since) : undefined,
    until: f.until ? dayStart(f.until, 1) : undefined,
    trigger_entity_type: f.recordType || undefined,
    trigger_entity_id: f.recordId ?? undefined,
  };
}
