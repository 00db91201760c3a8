// "Use an existing record": search the trigger's records by name and pick one.
import { useQuery } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { ErrorMessage } from "../../components/common";
import { findRecords, searchable, type RecordOption } from "./records";

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
          Testing with {entity} <strong>{value.label}</strong> <span className="hint">#{value.id}</span>
        </span>
        <button type="button" onClick={() => onChange(null)}>Change record</button>
      </p>
    );
  }
  return (
    <div className="sim-record-picker">
      {canSearch ? (
        <div className="field">
          <label htmlFor={`${id}-q`}><span>Find a {entity} by name</span></label>
          <input id={`${id}-q`} type="search" value={q} onChange={(e) => setQ(e.target.value)} autoComplete="off" />
        </div>
      ) : (
        <p className="hint">Activities cannot be searched by name: the most recent ones are listed.</p>
      )}
      {records.isError && <ErrorMessage error={records.error} onRetry={() => void records.refetch()} />}
      {records.isPending && <p className="hint" role="status">Searching…</p>}
      {records.data && records.data.length === 0 && <p className="hint">No {entity} matches.</p>}
      {records.data && records.data.length > 0 && (
        <ul className="sim-record-list" aria-label={`Matching ${entity} records`}>
          {records.data.map((r: RecordOption) => (
            <li key={r.id}>
              <button type="button" className="link" onClick={() => onChange({ id: r.id, label: r.label })}
                aria-label={`Use ${entity} "${r.label}" (#${r.id})`}>
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
