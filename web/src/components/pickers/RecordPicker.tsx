// A record (organisation, contact, deal) searched and picked by name, stored by id.
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../../api/client";
import { findRecords, type RecordOption } from "./records";
import { a11y, type PickerProps } from "./types";
import "./pickers.css";

export type RecordKind = "organisation" | "contact" | "deal";
async function recordById(kind: RecordKind, id: number): Promise<RecordOption> {
  const path = { record_id: id };
  if (kind === "organisation") {
    const r = await unwrap(api.GET("/api/v1/organisations/{record_id}", { params: { path } }));
    return { id, label: r.name };
  }
  if (kind === "contact") {
    const r = await unwrap(api.GET("/api/v1/contacts/{record_id}", { params: { path } }));
    return { id, label: `${r.first_name} ${r.last_name}`.trim() };
  }
  const r = await unwrap(api.GET("/api/v1/deals/{record_id}", { params: { path } }));
  return { id, label: r.title };
}

/** A record id, found by searching records of `kind` by name (never typed); `extras` are other
 * values the field takes (e.g. `trigger`: the run's own record). */
export function RecordPicker(props: PickerProps & { kind: RecordKind; extras?: { value: string; label: string }[] }) {
  const { kind, extras = [] } = props;
  const { t, i18n } = useTranslation("pickers", { keyPrefix: "record" });
  const [search, setSearch] = useState("");
  const [q, setQ] = useState("");
  useEffect(() => {
    const timer = setTimeout(() => setQ(search.trim()), 250);
    return () => clearTimeout(timer);
  }, [search]);
  const found = useQuery({
    // The language is in the key: a contact without a name is labelled in it.
    queryKey: ["records", kind, q, i18n.language],
    queryFn: () => findRecords(kind, q),
    staleTime: 30_000,
  });
  const extra = extras.find((e) => e.value === props.value);
  const selectedId = props.value == null || props.value === "" || extra ? null : Number(props.value);
  const selected = useQuery({
    queryKey: ["record", kind, selectedId],
    queryFn: () => recordById(kind, selectedId as number),
    enabled: selectedId !== null && Number.isInteger(selectedId),
    retry: false,
  });
  const options = [...(found.data ?? [])];
  if (selectedId !== null && !options.some((o) => o.id === selectedId)) {
    options.unshift(selected.data ?? { id: selectedId, label: selected.isError ? t("notFound") : "…" });
  }
  const searchId = `${props.id}-search`;
  return (
    <span className="bp-record picker-search">
      <label className="visually-hidden" htmlFor={searchId}>{t(`${kind}.search`, { label: props.label })}</label>
      <input id={searchId} type="search" value={search} placeholder={t(`${kind}.placeholder`)} onChange={(e) => setSearch(e.target.value)} />
      <select {...a11y(props)} value={extra?.value ?? selectedId ?? ""} onChange={(e) => {
        const id = e.target.value;
        if (extras.some((x) => x.value === id)) props.onChange(id);
        else props.onChange(id === "" ? undefined : props.spec.type === "string" ? id : Number(id));
      }}>
        <option value="">{found.isPending ? t("searching") : options.length ? t(`${kind}.choose`) : t(`${kind}.none`)}</option>
        {extras.map((x) => <option key={x.value} value={x.value}>{x.label}</option>)}
        {options.map((o) => <option key={o.id} value={o.id}>{t("option", { label: o.label, id: o.id })}</option>)}
      </select>
    </span>
  );
}
