// What a recipient field accepts, as engine/recipients.py resolves it and actions/messages.py
// checks it at save: an address, a user id, `owner`, `manager`, `user:`, `title:` or `role:`,
// or a template (`{{ ... }}`) filled in at run time.
import i18n from "../../i18n";

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const KINDS = ["user", "title", "role"];

function isTemplate(text: string): boolean {
  return text.includes("{{") || text.includes("{%");
}

/** Split recipients typed in one field on commas, keeping a template's commas inside it. */
export function splitRecipients(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = "";
  for (let i = 0; i < text.length; i += 1) {
    const pair = text.slice(i, i + 2);
    if (pair === "{{" || pair === "{%") depth += 1;
    if ((pair === "}}" || pair === "%}") && depth > 0) depth -= 1;
    if (text[i] === "," && depth === 0) {
      out.push(current.trim());
      current = "";
    } else current += text[i];
  }
  out.push(current.trim());
  return out.filter(Boolean);
}

/** Why one recipient cannot be resolved, or null when it can. */
export function recipientProblem(entry: string): string | null {
  const text = entry.trim();
  if (text === "" || isTemplate(text) || /^\d+$/.test(text)) return null;
  if (["owner", "manager"].includes(text.toLowerCase())) return null;
  if (text.includes(":")) {
    const [kind, ...rest] = text.split(":");
    const k = kind.trim().toLowerCase();
    if (!KINDS.includes(k)) return i18n.t("pickers:email.unknownKind", { entry: text, kind: kind.trim() });
    return rest.join(":").trim() ? null : i18n.t(`pickers:email.sayWhich.${k as "user" | "title" | "role"}`, { entry: text });
  }
  if (!text.includes("@")) return i18n.t("pickers:email.notRecipient", { entry: text });
  return EMAIL.test(text) ? null : i18n.t("pickers:email.invalid", { entry: text });

}

/** The problems of every recipient typed in a field (empty when all are fine). */
export function recipientProblems(text: string): string[] {
  return splitRecipients(text).map(recipientProblem).filter((p): p is string => p !== null);
}
