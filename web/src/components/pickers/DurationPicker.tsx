// A duration such as `7 days` (or `+2 days`, counted from now) as an amount and a unit.
import { useEffect, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { a11y, type PickerProps } from "./types";

const UNITS = ["minutes", "hours", "days", "weeks"] as const;
const DURATION = /^(\+?)\s*(\d+)\s*(minute|hour|day|week)s?$/i;

/** A duration such as `7 days` or `+2 days` (from now): an amount and a unit. */
export function DurationPicker(props: PickerProps) {
  const { t } = useTranslation("pickers", { keyPrefix: "duration" });
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
      <label className="visually-hidden" htmlFor={unitId}>{t("unitOf", { label: props.label })}</label>
      <select id={unitId} value={unit} onChange={(e) => { setUnit(e.target.value); send(amount, e.target.value); }}>
        {UNITS.map((u) => <option key={u} value={u}>{t(`units.${u}`)}</option>)}
      </select>
    </span>
  );
}
