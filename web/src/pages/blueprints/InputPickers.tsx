// The inputs of a blueprint that pick something the CRM has: a user, a job title, a tag, a
// pipeline stage, a record (organisation, contact, deal), or that build a value from parts (a
// duration as amount + unit). Each loads its choices from the API where an endpoint exists.
import { useQuery } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { api, unwrap } from "../../api/client";
import type { InputSpec, Json } from "./types";

/** What every input of the form receives. */
export interface PickerProps {
  id: string;
  label: string;
  spec: InputSpec;
  value: Json | undefined;
  onChange: (value: Json | undefined) => void;
  describedBy?: string;
  invalid: boolean;
  required: boolean;
}

/** The pipeline stages of the CRM (crm/models.py, demo.py). */
export const STAGES = ["qualification", "proposition", "negotiation", "signed", "lost"];

const SUGGESTED_TITLES = ["manager", "director", "cfo", "sales"];
const LIST_SIZE = 500;

function useUsers() {
  return useQuery({
    queryKey: ["blueprints", "users"],
    queryFn: () => unwrap(api.GET("/api/v1/users", { params: { query: { is_active: true, size: LIST_SIZE } } })),
    staleTime: 60_000,
  });
}

/** The id and ARIA attributes of an input's main control. */
export function a11y({ id, describedBy, invalid, required }: PickerProps) {
  return { id, "aria-describedby": describedBy, "aria-invalid": invalid || undefined, "aria-required": required || undefined };
}

/** A text input with suggestions (a `<datalist>`); any text is accepted. */
function SuggestInput(props: PickerProps & { suggestions: string[] }) {
  const listId = `${props.id}-options`;
  const text = typeof props.value === "string" ? props.value : props.value == null ? "" : String(props.value);
  return (
    <>
      <input {...a11y(props)} list={listId} value={text} autoComplete="off"
        onChange={(e) => props.onChange(e.target.value === "" ? undefined : e.target.value)} />
      <datalist id={listId}>
        {[...new Set(props.suggestions)].sort().map((s) => <option key={s} value={s} />)}
      </datalist>
    </>
  );
}

/** A job title (`director`, `cfo`…): the titles the company's users carry, or any other. */
export function TitlePicker(props: PickerProps) {
  const users = useUsers();
  const titles = [...SUGGESTED_TITLES, ...(users.data?.items ?? []).flatMap((u) => u.titles)];
  return <SuggestInput {...props} suggestions={titles} />;
}

/** A tag name: the company's tags, or a new one. */
export function TagPicker(props: PickerProps) {
  const tags = useQuery({
    queryKey: ["blueprints", "tags"],
    queryFn: () => unwrap(api.GET("/api/v1/tags", { params: { query: { size: LIST_SIZE } } })),
    staleTime: 60_000,
  });
  return <SuggestInput {...props} suggestions={(tags.data?.items ?? []).map((t) => t.name)} />;
}

/** A user reference: the record's owner, the owner's manager, a user of the company, or typed. */
export function UserPicker(props: PickerProps) {
  const users = useUsers();
  const numeric = props.spec.type === "integer" || props.spec.type === "number";
  const options: { value: string; label: string }[] = [
    ...(numeric ? [] : [
      { value: "owner", label: "The record's owner" },
      { value: "manager", label: "The owner's manager" },
    ]),
    ...(users.data?.items ?? []).map((u) => ({
      value: numeric ? String(u.id) : u.email,
      label: u.name ? `${u.name} (${u.email})` : u.email,
    })),
  ];
  const text = props.value == null ? "" : String(props.value);
  const known = text === "" || options.some((o) => o.value === text);
  // A value the list does not hold (a user id typed by hand…) is edited as text.
  const [custom, setCustom] = useState(false);
  const typing = custom || (!known && !users.isPending);
  const parse = (t: string): Json | undefined => (t === "" ? undefined : numeric && /^\d+$/.test(t) ? Number(t) : t);
  if (typing) {
    return (
      <span className="row tight">
        <input {...a11y(props)} value={text} placeholder={numeric ? "user id" : "user id, email, owner or manager"}
          onChange={(e) => props.onChange(parse(e.target.value.trim()))} />
        <button type="button" className="link" onClick={() => { setCustom(false); if (!known) props.onChange(undefined); }}>
          Choose from the list
        </button>
      </span>
    );
  }
  return (
    <select {...a11y(props)} value={text} onChange={(e) => {
      if (e.target.value === "__other__") setCustom(true);
      else props.onChange(parse(e.target.value));
    }}>
      <option value="">{users.isPending ? "Loading users…" : "Choose a user"}</option>
      {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      <option value="__other__">Other (user id or email)…</option>
    </select>
  );
}

/** Checkboxes for a list of choices (several stages, several enum values). */
export function CheckboxGroup(props: PickerProps & { choices: string[] }) {
  const chosen = Array.isArray(props.value) ? props.value.map(String) : [];
  const choices = [...props.choices, ...chosen.filter((c) => !props.choices.includes(c))];
  const toggle = (choice: string, on: boolean) => {
    const next = on ? [...chosen, choice] : chosen.filter((c) => c !== choice);
    // Kept in the order of the choices, whatever order they were ticked in.
    props.onChange(choices.filter((c) => next.includes(c)));
  };
  return (
    <span className="bp-checks" id={props.id} role="group" aria-label={props.label}
      aria-describedby={props.describedBy} aria-invalid={props.invalid || undefined}>
      {choices.map((choice) => (
        <label key={choice} className="row tight">
          <input type="checkbox" checked={chosen.includes(choice)} onChange={(e) => toggle(choice, e.target.checked)} />
          <span>{choice}</span>
        </label>
      ))}
    </span>
  );
}

/** A pipeline stage (one, from a list) or several (checkboxes) when the input is a list. */
export function StagePicker(props: PickerProps) {
  if (props.spec.type === "array") return <CheckboxGroup {...props} choices={STAGES} />;
  const text = props.value == null ? "" : String(props.value);
  const choices = text && !STAGES.includes(text) ? [...STAGES, text] : STAGES;
  return (
    <select {...a11y(props)} value={text} onChange={(e) => props.onChange(e.target.value || undefined)}>
      <option value="">Choose a stage</option>
      {choices.map((s) => <option key={s} value={s}>{s}</option>)}
    </select>
  );
}

const UNITS = ["minutes", "hours", "days", "weeks"];
const DURATION = /^(\+?)\s*(\d+)\s*(minute|hour|day|week)s?$/i;

/** A duration such as `7 days` or `+2 days` (from now): an amount and a unit. */
export function DurationPicker(props: PickerProps) {
  const text = typeof props.value === "string" ? props.value : "";
  const parsed = DURATION.exec(text.trim());
  const [amount, setAmount] = useState(parsed ? parsed[2] : "");
  const [unit, setUnit] = useState(parsed ? `${parsed[3].toLowerCase()}s` : "days");
  // A `+` (a date counted from now) is kept as the blueprint wrote it.
  const plus = parsed ? parsed[1] : typeof props.spec.default === "string" && props.spec.default.startsWith("+") ? "+" : "";
  const unitId = useId();
  // A value that is not amount + unit (e.g. "2h") is edited as text rather than lost; decided
  // once, so typing never swaps the controls under the cursor.
  const [asText] = useState(() => text !== "" && !parsed);
  useEffect(() => {
    // Follow a value changed from elsewhere (a reset), not the one this picker just sent.
    if (parsed && (parsed[2] !== amount || `${parsed[3].toLowerCase()}s` !== unit)) {
      setAmount(parsed[2]);
      setUnit(`${parsed[3].toLowerCase()}s`);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text]);
  if (asText) {
    return <input {...a11y(props)} value={text} onChange={(e) => props.onChange(e.target.value || undefined)} />;
  }
  const send = (nextAmount: string, nextUnit: string) =>
    props.onChange(nextAmount === "" ? undefined : `${plus}${nextAmount} ${nextUnit}`);
  return (
    <span className="row tight">
      <input {...a11y(props)} className="bp-amount" inputMode="numeric" value={amount}
        onChange={(e) => {
          // Whole units only: what is not a digit is not typed at all.
          const digits = e.target.value.replace(/\D/g, "");
          setAmount(digits);
          send(digits, unit);
        }} />
      <label className="visually-hidden" htmlFor={unitId}>{`${props.label}: unit`}</label>
      <select id={unitId} value={unit} onChange={(e) => { setUnit(e.target.value); send(amount, e.target.value); }}>
        {UNITS.map((u) => <option key={u} value={u}>{u}</option>)}
      </select>
    </span>
  );
}

type RecordKind = "organisation" | "contact" | "deal";
interface RecordOption { id: number; label: string }

async function searchRecords(kind: RecordKind, q: string): Promise<RecordOption[]> {
  const query = { q: q || undefined, size: 20 };
  if (kind === "organisation") {
    const page = await unwrap(api.GET("/api/v1/organisations", { params: { query } }));
    return page.items.map((r) => ({ id: r.id, label: r.name }));
  }
  if (kind === "contact") {
    const page = await unwrap(api.GET("/api/v1/contacts", { params: { query } }));
    return page.items.map((r) => ({ id: r.id, label: `${r.first_name} ${r.last_name}`.trim() || r.email || `#${r.id}` }));
  }
  const page = await unwrap(api.GET("/api/v1/deals", { params: { query } }));
  return page.items.map((r) => ({ id: r.id, label: r.title }));
}

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

/** A record id, found by searching records of `kind` by name. */
export function RecordPicker(props: PickerProps & { kind: RecordKind }) {
  const { kind } = props;
  const [search, setSearch] = useState("");
  const [q, setQ] = useState("");
  useEffect(() => {
    const timer = setTimeout(() => setQ(search.trim()), 250);
    return () => clearTimeout(timer);
  }, [search]);
  const found = useQuery({
    queryKey: ["blueprints", "records", kind, q],
    queryFn: () => searchRecords(kind, q),
    staleTime: 30_000,
  });
  const selectedId = props.value == null || props.value === "" ? null : Number(props.value);
  const selected = useQuery({
    queryKey: ["blueprints", "record", kind, selectedId],
    queryFn: () => recordById(kind, selectedId as number),
    enabled: selectedId !== null && Number.isInteger(selectedId),
    retry: false,
  });
  const options = [...(found.data ?? [])];
  if (selectedId !== null && !options.some((o) => o.id === selectedId)) {
    options.unshift(selected.data ?? { id: selectedId, label: selected.isError ? "not found" : "…" });
  }
  const searchId = `${props.id}-search`;
  return (
    <span className="bp-record">
      <label className="visually-hidden" htmlFor={searchId}>{`Search ${kind}s for ${props.label}`}</label>
      <input id={searchId} type="search" value={search} placeholder={`Search ${kind}s…`} onChange={(e) => setSearch(e.target.value)} />
      <select {...a11y(props)} value={selectedId ?? ""} onChange={(e) => {
        const id = e.target.value;
        props.onChange(id === "" ? undefined : props.spec.type === "string" ? id : Number(id));
      }}>
        <option value="">{found.isPending ? "Searching…" : options.length ? `Choose a ${kind}` : `No ${kind} found`}</option>
        {options.map((o) => <option key={o.id} value={o.id}>{`${o.label} (#${o.id})`}</option>)}
      </select>
    </span>
  );
}
