// Pipeline stages from the company's choices: one from a list, or several (checkboxes) for a
// list-valued filter; plus checkboxes for any list of choices.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { a11y, type PickerProps } from "./types";
import "./pickers.css";
import { useChoices } from "./useChoices";

interface Choice { value: string; label: string }

/** Checkboxes for a list of choices (several stages, several enum values). */
export function CheckboxGroup(props: PickerProps & { choices: (string | Choice)[] }) {
  const given = props.choices.map((c) => (typeof c === "string" ? { value: c, label: c } : c));
  const chosen = Array.isArray(props.value) ? props.value.map(String) : [];
  const choices = [...given, ...chosen.filter((c) => !given.some((g) => g.value === c)).map((c) => ({ value: c, label: c }))];
  const toggle = (choice: string, on: boolean) => {
    const next = on ? [...chosen, choice] : chosen.filter((c) => c !== choice);
    // Kept in the order of the choices, whatever order they were ticked in.
    props.onChange(choices.map((c) => c.value).filter((c) => next.includes(c)));
  };
  return (
    <span className="bp-checks picker-checks" id={props.id} role="group" aria-label={props.label}
      aria-describedby={props.describedBy} aria-invalid={props.invalid || undefined}>
      {choices.map((choice) => (
        <label key={choice.value} className="row tight">
          <input type="checkbox" checked={chosen.includes(choice.value)} disabled={props.disabled}
            onChange={(e) => toggle(choice.value, e.target.checked)} />
          <span>{choice.label}</span>
        </label>
      ))}
    </span>
  );
}

/**
 * A pipeline stage: a select of the company's stages, or checkboxes when the value is a list.
 * `several` lets a single-stage field switch to a list; `custom` allows a template.
 */
export function StagePicker(props: PickerProps & { several?: boolean; custom?: boolean; emptyLabel?: string }) {
  const { t } = useTranslation("pickers");
  const choices = useChoices();
  const stages: Choice[] = choices.data?.stages ?? [];
  const isList = props.spec.type === "array" || Array.isArray(props.value);
  const text = props.value == null || Array.isArray(props.value) ? "" : String(props.value);
  const known = text === "" || stages.some((s) => s.value === text.toLowerCase());
  const [typing, setTyping] = useState(false);
  if (isList) {
    return (
      <span className="row tight">
        <CheckboxGroup {...props} choices={stages} />
        {props.several && (
          <button type="button" className="link" onClick={() => {
            const list = Array.isArray(props.value) ? props.value : [];
            props.onChange(list.length ? list[0] : undefined);
          }}>
            {t("stage.one")}
          </button>
        )}
      </span>
    );
  }
  if (typing || (!known && !choices.isPending && props.custom)) {
    return (
      <span className="row tight">
        <input {...a11y(props)} value={text} placeholder="{{ … }}" onChange={(e) => props.onChange(e.target.value || undefined)} />
        <button type="button" className="link" onClick={() => { setTyping(false); if (!known) props.onChange(undefined); }}>
          {t("chooseFromList")}
        </button>
      </span>
    );
  }
  const options = known ? stages : [...stages, { value: text, label: text }];
  return (
    <select {...a11y(props)} value={known ? text.toLowerCase() : text} onChange={(e) => {
      const v = e.target.value;
      if (v === "__several__") props.onChange(text ? [text] : []);
      else if (v === "__custom__") setTyping(true);
      else props.onChange(v || undefined);
    }}>
      <option value="">{choices.isPending ? t("stage.loading") : props.emptyLabel ?? t("stage.choose")}</option>
      {options.map((s) => <option key={s.value} value={s.value}>{s.label}</option>)}
      {props.several && <option value="__several__">{t("stage.several")}</option>}
      {props.custom && <option value="__custom__">{t("stage.template")}</option>}

    </select>
  );
}
