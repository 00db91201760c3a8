import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import type { FieldError } from "../api/client";
import { ConditionBuilder, operatorsFor } from "./ConditionBuilder";
import { EDITOR_SCHEMA } from "./fixtures";
import type { ConditionGroup, FieldInfo, Json } from "./types";

const FIELDS: FieldInfo[] = [...EDITOR_SCHEMA.entities.organisation, ...EDITOR_SCHEMA.trigger_fields];
const OPS = EDITOR_SCHEMA.operators;

function Harness({ initial = null, errors }: { initial?: Json; errors?: FieldError[] }) {
  const [value, setValue] = useState<Json>(initial);
  return (
    <>
      <ConditionBuilder label="Conditions" value={value} onChange={(v) => setValue(v as unknown as Json)}
        fields={FIELDS} operators={OPS} errors={errors} />
      <output data-testid="tree">{JSON.stringify(value)}</output>
    </>
  );
}

const tree = () => JSON.parse(screen.getByTestId("tree").textContent ?? "null") as ConditionGroup | null;
const optionLabels = (select: HTMLElement) => within(select).getAllByRole("option").map((o) => o.textContent);

describe("ConditionBuilder", () => {
  it("adds a rule and edits it into the canonical tree", async () => {
    const user = userEvent.setup();
    render(<Harness />);
    expect(screen.getByText(/No conditions/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Add rule" }));
    await user.selectOptions(screen.getByRole("combobox", { name: "Rule 1 field" }), "organisation.potential_amount");
    await user.selectOptions(screen.getByRole("combobox", { name: "Rule 1 operator" }), ">");
    const value = screen.getByRole("textbox", { name: "Rule 1 value" });
    await user.clear(value);
    await user.type(value, "50000");
    expect(tree()).toEqual({ operator: "AND", rules: [{ field: "organisation.potential_amount", operator: ">", value: 50000 }] });
  });

  it("builds nested groups and switches the group operator", async () => {
    const user = userEvent.setup();
    render(<Harness initial={{ operator: "AND", rules: [{ field: "organisation.name", operator: "==", value: "Acme" }] }} />);
    await user.click(screen.getByRole("button", { name: "Add group" }));
    const group = screen.getByRole("group", { name: "Group 2" });
    await user.click(within(group).getByRole("button", { name: "Add rule to group 2" }));
    await user.selectOptions(screen.getByRole("combobox", { name: "Rule 2.2 field" }), "organisation.category");
    await user.selectOptions(screen.getByRole("combobox", { name: "Rule 2.2 value" }), "smb");
    await user.selectOptions(screen.getByRole("combobox", { name: "Conditions match" }), "OR");
    const t = tree()!;
    expect(t.operator).toBe("OR");
    expect(t.rules[0]).toEqual({ field: "organisation.name", operator: "==", value: "Acme" });
    const nested = t.rules[1] as ConditionGroup;
    expect(nested.operator).toBe("OR");
    expect(nested.rules).toHaveLength(2);
    expect(nested.rules[1]).toEqual({ field: "organisation.category", operator: "==", value: "smb" });
    // Removing the nested group's rules removes the group; removing the last rule clears the tree.
    await user.click(screen.getByRole("button", { name: "Remove group 2" }));
    expect(tree()!.rules).toHaveLength(1);
    await user.click(screen.getByRole("button", { name: "Remove rule 1" }));
    expect(tree()).toBeNull();
  });

  it("wraps several rules in NOT as one group", async () => {
    const user = userEvent.setup();
    render(<Harness initial={{ operator: "AND", rules: [
      { field: "organisation.name", operator: "==", value: "A" },
      { field: "organisation.name", operator: "==", value: "B" },
    ] }} />);
    await user.selectOptions(screen.getByRole("combobox", { name: "Conditions match" }), "NOT");
    expect(tree()).toEqual({ operator: "NOT", rules: [{ operator: "AND", rules: [
      { field: "organisation.name", operator: "==", value: "A" },
      { field: "organisation.name", operator: "==", value: "B" },
    ] }] });
    expect(screen.queryByRole("button", { name: "Add rule" })).not.toBeInTheDocument();
  });

  it("offers the operators of the field's type", async () => {
    const user = userEvent.setup();
    render(<Harness initial={{ operator: "AND", rules: [{ field: "organisation.name", operator: "starts_with", value: "Ac" }] }} />);
    const operator = screen.getByRole("combobox", { name: "Rule 1 operator" });
    expect(optionLabels(operator)).toContain("starts with");
    expect(optionLabels(operator)).not.toContain("is between");
    await user.selectOptions(screen.getByRole("combobox", { name: "Rule 1 field" }), "organisation.potential_amount");
    expect(optionLabels(screen.getByRole("combobox", { name: "Rule 1 operator" }))).toContain("is between");
    expect(optionLabels(screen.getByRole("combobox", { name: "Rule 1 operator" }))).not.toContain("starts with");
    // starts_with does not apply to a number: the operator falls back to the first that does.
    expect(tree()!.rules[0]).toEqual({ field: "organisation.potential_amount", operator: "==", value: "" });
    expect(operatorsFor(OPS, "list").map((o) => o.value)).toEqual(["contains", "in", "is_empty", "changed"]);
  });

  it("handles arity 0 and 2 operators and list values", async () => {
    const user = userEvent.setup();
    render(<Harness initial={{ operator: "AND", rules: [{ field: "organisation.potential_amount", operator: "==", value: 5 }] }} />);
    await user.selectOptions(screen.getByRole("combobox", { name: "Rule 1 operator" }), "is_empty");
    expect(tree()!.rules[0]).toEqual({ field: "organisation.potential_amount", operator: "is_empty" });
    expect(screen.queryByRole("textbox", { name: "Rule 1 value" })).not.toBeInTheDocument();

    await user.selectOptions(screen.getByRole("combobox", { name: "Rule 1 operator" }), "between");
    const low = screen.getByRole("textbox", { name: "Rule 1 from" });
    const high = screen.getByRole("textbox", { name: "Rule 1 to" });
    await user.clear(low);
    await user.type(low, "10");
    await user.clear(high);
    await user.type(high, "20.5");
    expect(tree()!.rules[0]).toEqual({ field: "organisation.potential_amount", operator: "between", value: [10, 20.5] });

    await user.selectOptions(screen.getByRole("combobox", { name: "Rule 1 operator" }), "in");
    await user.type(screen.getByRole("textbox", { name: "Rule 1 values (comma-separated)" }), "1, 2,3");
    expect(tree()!.rules[0]).toEqual({ field: "organisation.potential_amount", operator: "in", value: [1, 2, 3] });
  });

  it("shows API errors next to the rule value they name", () => {
    render(<Harness
      initial={{ operator: "AND", rules: [{ field: "organisation.potential_amount", operator: ">", value: "lots" }] }}
      errors={[{ loc: "conditions.rules[0].value", msg: "'>' expects a number" }]}
    />);
    const value = screen.getByRole("textbox", { name: "Rule 1 value" });
    expect(value).toHaveAttribute("aria-invalid", "true");
    expect(value).toHaveAccessibleDescription("'>' expects a number");
  });

  it("keeps a field the schema does not list", () => {
    render(<Harness initial={{ operator: "AND", rules: [{ field: "deal.custom_fields.segment", operator: "==", value: "x" }] }} />);
    expect(screen.getByRole("textbox", { name: "Rule 1 field path" })).toHaveValue("deal.custom_fields.segment");
  });
});
