import { describe, expect, it } from "vitest";
import { clip, conditionText, conditionsHeadline, triggerFilter, triggerLines } from "./summaries";

const THREE_RULES = {
  operator: "AND",
  rules: [
    { field: "organisation.potential_amount", operator: ">", value: 50000 },
    { field: "organisation.category", operator: "==", value: "institutional" },
    { operator: "OR", rules: [{ field: "organisation.tags", operator: "contains", value: "vip" }, { field: "organisation.owner", operator: "is_empty" }] },
  ],
};

describe("conditionText", () => {
  it("writes a tree in one line, nested groups in parentheses", () => {
    expect(conditionText(THREE_RULES)).toBe(
      'organisation.potential_amount > 50000 and organisation.category == "institutional" and (organisation.tags contains "vip" or organisation.owner is_empty)',
    );
  });

  it("writes NOT, a bare rule and nothing", () => {
    expect(conditionText({ operator: "NOT", rules: [{ field: "deal.stage", operator: "in", value: ["lost", "won"] }] }))
      .toBe('not deal.stage in ["lost","won"]');
    expect(conditionText({ operator: "not", rules: [{ field: "a", operator: "==", value: 1 }, { field: "b", operator: "==", value: 2 }] }))
      .toBe("not (a == 1 and b == 2)");
    expect(conditionText({ field: "deal.amount", operator: "between", value: [1, 5] })).toBe("deal.amount between [1,5]");
    expect(conditionText(null)).toBe("");
    expect(conditionText({})).toBe("");
  });

  it("spells out the Mongo-style shorthand", () => {
    expect(conditionText({ "deal.amount": { $gt: 10000 } })).toBe("deal.amount > 10000");
    expect(conditionText({ "deal.stage": "won", "deal.amount": { $gte: 5, $lt: 9 } }))
      .toBe('deal.stage == "won" and deal.amount >= 5 and deal.amount < 9');
    expect(conditionText({ $or: [{ "a.b": 1 }, { "c.d": { $exists: false } }] })).toBe("a.b == 1 or c.d is_empty");
    expect(conditionText({ $not: { "a.b": { $in: [1, 2] } } })).toBe("not a.b in [1,2]");
  });
});

describe("conditionsHeadline", () => {
  it("shows the first rule and how many more, with the whole in the title", () => {
    expect(conditionsHeadline(THREE_RULES)).toEqual({
      text: "organisation.potential_amount > 50000 +2 more",
      title: conditionText(THREE_RULES),
    });
  });

  it("says 'or' for an OR group and shows a single rule alone", () => {
    expect(conditionsHeadline({ operator: "OR", rules: [{ field: "a", operator: "==", value: 1 }, { field: "b", operator: "==", value: 2 }] })?.text)
      .toBe("a == 1 or +1 more");
    expect(conditionsHeadline({ operator: "AND", rules: [{ field: "a", operator: ">", value: 1 }] })?.text).toBe("a > 1");
  });

  it("is null without conditions", () => {
    expect(conditionsHeadline(null)).toBeNull();
    expect(conditionsHeadline({ operator: "AND", rules: [] })).toBeNull();
  });
});

describe("triggerFilter", () => {
  it("describes a stage change, with the API's and the seed's spelling", () => {
    expect(triggerFilter("deal_stage_changed", { from_stage: "proposition", to_stage: "signed" })).toBe("from proposition → signed");
    expect(triggerFilter("deal_stage_changed", { to: ["won", "signed"] })).toBe("from any stage → won / signed");
    expect(triggerFilter("deal_stage_changed", {})).toBeNull();
  });

  it("describes inactivity", () => {
    expect(triggerFilter("inactivity_delay", { entity_type: "organisation", days: 30 })).toBe("inactive 30 days");
    expect(triggerFilter("inactivity_delay", { entity_type: "deal", days: 1 })).toBe("deal inactive 1 day");
  });

  it("describes a schedule", () => {
    expect(triggerFilter("scheduled", { frequency: "weekly", time: "09:00", day_of_week: "mon", timezone: "UTC" }))
      .toBe("weekly on mon at 09:00 (UTC)");
    expect(triggerFilter("scheduled", { frequency: "monthly", time: "08:30", day_of_month: 5, timezone: "Europe/Paris" }))
      .toBe("monthly on day 5 at 08:30 (Europe/Paris)");
    expect(triggerFilter("scheduled", { frequency: "daily", time: "07:00" })).toBe("daily at 07:00");
    expect(triggerFilter("scheduled", { cron: "0 9 * * 1-5", timezone: "UTC" })).toBe("cron 0 9 * * 1-5 (UTC)");
  });

  it("describes watched fields and activity kinds, and nothing for plain triggers", () => {
    expect(triggerFilter("deal_updated", { fields: ["stage", "amount"] })).toBe("when stage, amount change");
    expect(triggerFilter("activity_logged", { kinds: ["call"] })).toBe("kinds: call");
    expect(triggerFilter("organisation_updated", {})).toBeNull();
    expect(triggerFilter("manual", {})).toBeNull();
  });
});

describe("triggerLines", () => {
  it("gives the filter, then the conditions", () => {
    expect(triggerLines("inactivity_delay", { days: 30 }, THREE_RULES)).toEqual([
      { text: "inactive 30 days", title: "Trigger filter: inactive 30 days" },
      { text: "if organisation.potential_amount > 50000 +2 more", title: `Conditions: ${conditionText(THREE_RULES)}` },
    ]);
    expect(triggerLines("manual", {}, null)).toEqual([]);
  });
});

describe("clip", () => {
  it("cuts long text with an ellipsis", () => {
    expect(clip("abcdef", 4)).toBe("abc…");
    expect(clip("abc", 4)).toBe("abc");
  });
});
