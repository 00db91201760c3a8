// People pickers: a user reference (the record's owner, the owner's manager, a user by name, a
// title or a role), a job title and a tag, all offered from the company's choices.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import i18n from "../../i18n";
import { CheckboxGroup } from "./StagePicker";
import { a11y, type Json, type PickerProps } from "./types";
import "./pickers.css";
import { useChoices } from "./useChoices";

interface Option { value: string; label: string }
interface Group { label: string; options: Option[] }

/** How a user is referred to: by id (an id field), by email, or any reference the engine resolves. */
export type UserValue = "id" | "email" | "reference";

function userGroups(choices: ReturnType<typeof useChoices>["data"], as: UserValue): Group[] {
  const users = (choices?.users ?? []).map((u) => ({
    value: as === "id" ? String(u.id) : as === "email" ? u.email : String(u.id),
    label: u.name ? `${u.name} (${u.email})` : u.email,
  }));
  const groups: Group[] = [];
  if (as !== "id") {
    groups.push({ label: i18n.t("pickers:user.relative"), options: [
      { value: "owner", label: i18n.t("pickers:user.owner") },
      { value: "manager", label: i18n.t("pickers:user.manager") },
    ] });
  }
  groups.push({ label: i18n.t("pickers:user.users"), options: users });
  if (as === "reference") {
    groups.push({ label: i18n.t("pickers:user.withTitle"), options: (choices?.titles ?? []).map((t) => ({ value: `title:${t.value}`, label: t.label })) });
    groups.push({ label: i18n.t("pickers:user.withRole"), options: (choices?.roles ?? []).map((r) => ({ value: `role:${r.value}`, label: r.label })) });
  }
  return groups;
}

/** A user reference from a searchable, grouped list; anything else (a template…) as text. */
export function UserPicker(props: PickerProps & { as?: UserValue }) {
  const { t } = useTranslation("pickers");
  const choices = useChoices();
  const as: UserValue = props.as ?? (props.spec.type === "integer" || props.spec.type === "number" ? "id" : "email");
  const [search, setSearch] = useState("");
  const text = props.value == null ? "" : String(props.value);
  const groups = userGroups(choices.data, as);
  const all = groups.flatMap((g) => g.options);
  const known = text === "" || all.some((o) => o.value.toLowerCase() === text.toLowerCase());
  // A value the list does not hold (a template, an id typed by hand…) is edited as text.
  const [custom, setCustom] = useState(false);
  const typing = custom || (!known && !choices.isPending);
  const parse = (typed: string): Json | undefined => (typed === "" ? undefined : as !== "email" && /^\d+$/.test(typed) ? Number(typed) : typed);
  if (typing) {
    return (
      <span className="row tight">
        <input {...a11y(props)} value={text} placeholder={as === "id" ? t("user.idPlaceholder") : t("user.referencePlaceholder")}
          onChange={(e) => props.onChange(parse(e.target.value.trim()))} />
        <button type="button" className="link" onClick={() => { setCustom(false); if (!known) props.onChange(undefined); }}>
          {t("chooseFromList")}
        </button>
      </span>
    );
  }
  const q = search.trim().toLowerCase();
  const current = all.find((o) => o.value.toLowerCase() === text.toLowerCase());
  const shown = groups
    .map((g) => ({ ...g, options: g.options.filter((o) => !q || o.label.toLowerCase().includes(q) || o.value === current?.value) }))
    .filter((g) => g.options.length > 0);
  const searchId = `${props.id}-search`;
  return (
    <span className="picker-search">
      <label className="visually-hidden" htmlFor={searchId}>{t("user.search", { label: props.label })}</label>
      <input id={searchId} type="search" value={search} placeholder={t("user.searchPlaceholder")} autoComplete="off"
        disabled={props.disabled} onChange={(e) => setSearch(e.target.value)} />
      <select {...a11y(props)} value={current?.value ?? text} onChange={(e) => {
        if (e.target.value === "__other__") setCustom(true);
        else props.onChange(parse(e.target.value));
      }}>
        <option value="">{choices.isPending ? t("user.loading") : t("user.choose")}</option>
        {shown.map((g) => (
          <optgroup key={g.label} label={g.label}>
            {g.options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
          </optgroup>
        ))}
        <option value="__other__">{as === "id" ? t("user.otherId") : t("user.otherReference")}</option>

      </select>
    </span>
  );
}

/** A text input with suggestions (a `<datalist>`); any text is accepted. */
export function SuggestInput(props: PickerProps & { suggestions: string[] }) {
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
  const choices = useChoices();
  return <SuggestInput {...props} suggestions={(choices.data?.titles ?? []).map((t) => t.value)} />;
}

/** A tag name (the company's record tags, or a new one); several as checkboxes for a list. */
export function TagPicker(props: PickerProps) {
  const choices = useChoices();
  const tags = choices.data?.tags ?? [];
  if (props.spec.type === "array") return <CheckboxGroup {...props} choices={tags} />;
  return <SuggestInput {...props} suggestions={tags.map((t) => t.value)} />;
}
