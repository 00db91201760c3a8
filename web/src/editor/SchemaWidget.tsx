// The picker a config field asks for with `x-widget` (actions/*.py, workflows/triggers.py):
// stages, people, titles, tags, records and email recipients, offered from the company's
// choices (components/pickers) rather than typed.
import { useTranslation } from "react-i18next";
import {
  EmailInput, RecordPicker, StagePicker, TagPicker, TitlePicker, UserPicker,
  type PickerProps, type RecordKind,
} from "../components/pickers";
import type { Json, JsonSchema } from "./types";

const RECORD_KINDS: RecordKind[] = ["organisation", "contact", "deal"];

function members(schema: JsonSchema): JsonSchema[] {
  return schema.anyOf ?? schema.oneOf ?? [schema];
}

function typesOf(schema: JsonSchema): string[] {
  return members(schema).flatMap((m) => (Array.isArray(m.type) ? m.type : m.type ? [m.type] : []));
}

/** The field's `x-widget`, if any. */
export function widgetOf(schema: JsonSchema): string | null {
  const widget = schema["x-widget"];
  return typeof widget === "string" ? widget : null;
}

const WIDGETS = ["stage", "user", "email", "title", "tag", ...RECORD_KINDS.map((k) => `record:${k}`)];

/** The picker a field gets: its known `x-widget` when the value fits it (a list of users or an
 * object stays JSON or text), else null. */
export function pickerOf(schema: JsonSchema, value: Json | undefined): string | null {
  const widget = widgetOf(schema);
  return widget && WIDGETS.includes(widget) && fits(widget, schema, value) ? widget : null;
}

function fits(widget: string, schema: JsonSchema, value: Json | undefined): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === "object" && !Array.isArray(value)) return false;
  if (!Array.isArray(value)) return true;
  const lists = typesOf(schema).includes("array");
  return lists && ["stage", "tag", "email"].includes(widget) && value.every((v) => typeof v === "string" || typeof v === "number");
}

/** The picker for a field with an `x-widget`, or null to draw the field as usual. */
export function SchemaWidget({ schema, value, ...props }: Omit<PickerProps, "spec"> & { schema: JsonSchema }) {
  const { t } = useTranslation("editor", { keyPrefix: "widgets" });
  const widget = pickerOf(schema, value);
  if (!widget) return null;
  const types = typesOf(schema);
  const onlyList = types.length > 0 && types.every((t) => t === "array");
  const spec = { type: onlyList ? "array" : types.includes("string") ? "string" : types[0], default: schema.default };
  const picker: PickerProps = { ...props, spec, value };
  const fallback = schema.default !== undefined && schema.default !== null ? t("notSet", { value: String(schema.default) }) : undefined;
  switch (widget) {
    case "stage":
      return (
        <StagePicker {...picker} several={types.includes("array") && !onlyList} custom={types.includes("string")}
          emptyLabel={fallback ?? (props.required ? t("chooseStage") : t("anyStage"))} />
      );
    case "user":
      return <UserPicker {...picker} as={types.includes("string") ? "reference" : "id"} />;
    case "email":
      return <EmailInput {...picker} list={onlyList} />;
    case "title":
      return <TitlePicker {...picker} />;
    case "tag":
      return <TagPicker {...picker} />;
    default: {
      const kind = RECORD_KINDS.find((k) => widget === `record:${k}`);
      if (!kind) return null;
      // Other values the field takes besides an id (`trigger`, `none`), as its schema lists them.
      const extras = members(schema).flatMap((m) => m.enum ?? []).map(String).map((v) => ({
        value: v,
        label: v === "trigger" ? t(`runRecord.${kind}`) : v === "none" ? t(`noRecord.${kind}`) : v,
      }));
      return <RecordPicker {...picker} spec={{ ...spec, type: "integer" }} kind={kind} extras={extras} />;
    }
  }
}
