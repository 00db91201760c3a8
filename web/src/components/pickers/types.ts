// What every picker receives, and the ARIA wiring of its main control.
import type { Schemas } from "../../api/client";

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What the company has to choose from (`GET /api/v1/choices`). */
export type Choices = Schemas["Choices"];
export type UserChoice = Schemas["UserChoice"];

/** The part of a field's schema a picker reads: its type (a list or not, ids or text) and default. */
export interface PickerSpec {
  type?: string;
  default?: Json;
  items?: { type?: string };
}

/** What every picker receives (a form may carry a richer spec, e.g. a blueprint input's). */
export interface PickerProps<S extends PickerSpec = PickerSpec> {
  id: string;
  label: string;
  spec: S;
  value: Json | undefined;
  onChange: (value: Json | undefined) => void;
  describedBy?: string;
  invalid: boolean;
  required: boolean;
  disabled?: boolean;
}

/** The id and ARIA attributes of a picker's main control. */
export function a11y({ id, describedBy, invalid, required, disabled }: PickerProps) {
  return {
    id,
    "aria-describedby": describedBy,
    "aria-invalid": invalid || undefined,
    "aria-required": required || undefined,
    disabled,
  };
}
