// "Use an existing record": search the trigger's records by name and pick one.
import { useQuery } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorMessage } from "../../components/common";
import { findRecords, searchable, type RecordOption } from "./records";
import { recordKey } from "./wording";

function useDebounced<T>(value: T, ms: number): T {
  const [current, setCurrent] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setCurrent(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return current;
}

export function RecordPicker({ entity, value, onChange }: {
  entity: string;
  value: { id: number; label: string } | null;
  onChange: (record: { id: number; label: string } | null) => void;
}) {
  const { t } = useTranslation("simulation");
  const words = `records.${recordKey(entity)}` as const;
  const id = useId();
  const [q, setQ] = useState("");
  const search = useDebounced(q, 250);
  const canSearch = searchable(entity);
  const records = useQuery({
    queryKey: ["records", entity, canSearch ? search : ""],
    queryFn: () => findRecords(entity, canSearch ? search : ""),
    enabled: value === null,
    staleTime: 30_000,
  });

  if (value) {
    return (
      <p className="row tight sim-record">
        <span>
          {t(`${words}.testingWith`)} <strong>{value.label}</strong> <span className="hint">#{value.id}</span>
        </span>
        <button type="button" onClick={() => onChange(null)}>{t("picker.change")}</button>
      </p>
    );
  }
  return (
    <div className="sim-record-picker">
      {canSearch ? (
        <div className="field">
          <label htmlFor={`${id}-q`}><span>{t(`${words}.find`)}</span></label>
          <input id={`${id}-q`} type="search" value={q} onChange={(e) => setQ(e.target.value)} autoComplete="off" />
        </div>
      ) : (
        <p className="hint">{t("picker.activities")}</p>
      )}
      {records.isError && <ErrorMessage error={records.error} onRetry={() => void records.refetch()} />}
      {records.isPending && <p className="hint" role="status">{t("picker.searching")}</p>}
      {records.data && records.data.length === 0 && <p className="hint">{t(`${words}.none`)}</p>}
      {records.data && records.data.length > 0 && (
        <ul className="sim-record-list" aria-label={t(`${words}.matching`)}>
          {records.data.map((r: RecordOption) => (
            <li key={r.id}>
              <button type="button" className="link" onClick={() => onChange({ id: r.id, label: r.label })}
                aria-label={t(`${words}.use`, { label: r.label, id: r.id })}>

                {r.label}
              </button>{" "}
              <span className="hint">#{r.id}{r.detail ? ` · ${r.detail}` : ""}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
