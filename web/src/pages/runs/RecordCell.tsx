// A run's record in a runs table: by name when it still exists, else by type and number; either
// way a link to every run of that record.
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { recordTypeLabel } from "./filters";

type RunRecord = {
  trigger_entity_type?: string | null;
  trigger_entity_id?: number | null;
  record_label?: string | null;
};

/** The record cell of a run (a dash when the run has no record). */
export function RecordCell({ run }: { run: RunRecord }) {
  const { t } = useTranslation("runs");
  const type = run.trigger_entity_type;
  const id = run.trigger_entity_id;
  if (!type) return <span className="hint">—</span>;
  if (id == null) return <>{t("record", { type: recordTypeLabel(type).toLowerCase(), id: "?" })}</>;
  return (
    <Link to={`/runs?record_type=${type}&record_id=${id}`} title={t("record", { type: recordTypeLabel(type), id })}>
      {run.record_label ?? t("record", { type: recordTypeLabel(type).toLowerCase(), id })}
    </Link>
  );
}
