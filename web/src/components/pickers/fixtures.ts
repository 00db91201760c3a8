// A company's choices (`GET /api/v1/choices`) for tests.
import type { Choices } from "./types";

const choice = (value: string) => ({ value, label: value.charAt(0).toUpperCase() + value.slice(1).replace(/_/g, " ") });

export const CHOICES: Choices = {
  stages: ["qualification", "proposition", "negotiation", "signed", "lost", "demo"].map(choice),
  organisation_categories: ["smb"].map(choice),
  activity_kinds: ["call", "meeting", "email", "note", "task"].map(choice),
  task_priorities: ["low", "normal", "high", "urgent"].map(choice),
  task_statuses: ["open", "in_progress", "done", "cancelled"].map(choice),
  users: [
    { id: 1, name: "Ada Admin", email: "ada@example.test", role: "admin", titles: ["director", "head_of_sales"] },
    { id: 2, name: "Carl Cfo", email: "carl@example.test", role: "editor", titles: ["cfo"] },
  ],
  titles: ["cfo", "director", "head_of_sales"].map(choice),
  roles: ["admin", "editor", "viewer"].map(choice),
  tags: [{ value: "vip", label: "vip" }, { value: "partner", label: "partner" }],
  truncated: [],
};
