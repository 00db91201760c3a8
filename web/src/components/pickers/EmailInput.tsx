// Email recipients typed as text, checked as you type: each entry (comma-separated) must be an
// address, a user reference (owner, manager, user:, title:, role:, an id) or a template.
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { recipientProblems, splitRecipients } from "./recipients";
import { a11y, type Json, type PickerProps } from "./types";
import { useChoices } from "./useChoices";

function show(value: Json | undefined): string {
  if (value === undefined || value === null) return "";
  return Array.isArray(value) ? value.map(String).join(", ") : String(value);
}

/** Recipients: a list when the field is one (`cc`) or when several are typed, else one string. */
export function EmailInput(props: PickerProps & { list?: boolean }) {
  const { t } = useTranslation("pickers");
  const choices = useChoices();
  const [text, setText] = useState(() => show(props.value));
  useEffect(() => {
    // Follow a value changed from elsewhere (undo, the JSON view), not the one typed here.
    setText((current) => (show(parse(current)) === show(props.value) ? current : show(props.value)));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.value]);
  const list = props.list ?? props.spec.type === "array";
  function parse(input: string): Json | undefined {
    const entries = splitRecipients(input);

    if (entries.length === 0) return list ? [] : undefined;
    const typed = entries.map((e): Json => (/^\d+$/.test(e) ? Number(e) : e));
    return list || typed.length > 1 ? typed : typed[0];
  }
  const problems = recipientProblems(text);
  const checkId = `${props.id}-check`;
  const describedBy = [props.describedBy, problems.length ? checkId : ""].filter(Boolean).join(" ") || undefined;
  const listId = `${props.id}-options`;
  const suggestions = [
    "owner",
    "manager",
    ...(choices.data?.users ?? []).map((u) => u.email),
    ...(choices.data?.titles ?? []).map((title) => `title:${title.value}`),
    ...(choices.data?.roles ?? []).map((r) => `role:${r.value}`),
  ];
  return (
    <>
      <input {...a11y({ ...props, describedBy, invalid: props.invalid || problems.length > 0 })} value={text}
        list={listId} autoComplete="off" placeholder={t("email.placeholder", { template: "{{ … }}" })}

        onChange={(e) => {
          setText(e.target.value);
          props.onChange(parse(e.target.value));
        }} />
      <datalist id={listId}>
        {suggestions.map((s) => <option key={s} value={s} />)}
      </datalist>
      {problems.length > 0 && (
        <p className="field-error" id={checkId}>{problems.join(" ")}</p>
      )}
    </>
  );
}
