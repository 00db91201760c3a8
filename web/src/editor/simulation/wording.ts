// Words of the Test panel computed outside components (the sentences naming a record type,
// predicted durations), in the interface's language at the time they are asked for.
import { statusText } from "../../components/common";
import i18n from "../../i18n";
import { simulation as english } from "../../i18n/en/simulation";

const t = i18n.getFixedT(null, "simulation");

/** A record type whose sentences the catalogue holds; `record` stands for any other. */
export type RecordKey = keyof typeof english.records;

export function recordKey(entity: string | null | undefined): RecordKey {
  return entity && Object.hasOwn(english.records, entity) ? (entity as RecordKey) : "record";
}

/** A status word in the interface's language when it is one ("success"), else `value` as is. */
export function statusOrAsIs(value: string): string {
  const text = statusText(value);
  return text !== value.toLowerCase() ? text : value;
}

/** A number in the interface's language
, with at most `digits` decimals ("1.5", "1,5"). */
function number(value: number, digits = 0): string {
  return value.toLocaleString(i18n.language, { maximumFractionDigits: digits });
}

/** A predicted duration: ms for quick steps, up to days for runs that wait (delays, approvals),
 *  to the two largest units ("2 h 5 min", "3 days 4 h"). */
export function formatPredicted(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return "—";
  if (ms < 1000) return t("duration.ms", { value: number(ms) });
  const s = ms / 1000;
  if (s < 59.95) return t("duration.s", { value: number(s, 1) });
  if (s < 3570) return t("duration.min", { value: number(Math.round(s / 60)) });
  if (s < 86_100) {
    const minutes = Math.round(s / 60);
    const [h, min] = [Math.floor(minutes / 60), minutes % 60];
    return min ? t("duration.hMin", { h, min }) : t("duration.h", { value: number(h) });
  }
  const hours = Math.round(s / 3600);
  const [days, h] = [Math.floor(hours / 24), hours % 24];
  return h ? t("duration.daysH", { count: days, h }) : t("duration.days", { count: days });
}
