// "Publish as blueprint" on a workflow's page: the workflow's current definition and arranged graph
// become a blueprint version (POST /workflow/process-templates/from_workflow/). The version is
// checked as SemVer before sending; when the catalog already has a blueprint of that name, the next
// version of its newest one is suggested. The API's refusals (409 on `version`, 422 on a field)
// are shown under the field they name, any other on top.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { api, ApiError, unwrap, type FieldError } from "../../api/client";
import { ErrorMessage } from "../../components/common";
import { useModalDialog } from "../../components/useModalDialog";
import { bump, newestVersion, parseVersion } from "../blueprints/semver";
import { inputsOf, versionsOf, type Blueprint } from "../blueprints/types";

/** The common blueprint types (the API takes any lower-case word). */
export const BLUEPRINT_TYPES = [
  "general", "approval", "alert", "follow_up", "onboarding", "handoff", "nurture", "renewal", "escalation",
] as const;
const FIELDS = ["name", "version", "template_type", "description"] as const;
type Field = (typeof FIELDS)[number];
type Problems = Partial<Record<Field | "", string>>;

/**
 * The version to suggest for a new version of `existing` (null: none installed, 1.0.0): the next
 * minor one, or the next major one when the newest has inputs, since a published workflow has
 * none and removing inputs needs a new major version.
 */
export function suggestedVersion(existing: Pick<Blueprint, "version" | "versions" | "variables"> | null): {
  version: string;
  newest: string | null;
  major: boolean;
} {
  const newest = existing ? newestVersion(versionsOf(existing)) : null;
  const parsed = newest ? parseVersion(newest) : null;
  if (!existing || !parsed) return { version: "1.0.0", newest: null, major: false };
  const major = parsed.major > 0 && Object.keys(inputsOf(existing).properties).length > 0;
  return { version: bump(parsed, major ? "major" : "minor"), newest, major };
}

/** An API message without the field it starts with ("version: …") nor pydantic's "Value error, ". */
function messageOf(error: FieldError): string {
  const prefix = `${error.loc}: `;
  const text = error.msg.startsWith(prefix) ? error.msg.slice(prefix.length) : error.msg;
  return text.replace(/^Value error, /, "");
}

/** The API's refusal by field (the ones this form has), the rest under "". */
function placeErrors(error: unknown): Problems {
  if (!(error instanceof ApiError) || error.fieldErrors.length === 0) return {};
  const out: Problems = {};
  for (const e of error.fieldErrors) {
    const field = (FIELDS as readonly string[]).includes(e.loc) ? (e.loc as Field) : "";
    const text = field ? messageOf(e) : e.msg;
    out[field] = out[field] ? `${out[field]} ${text}` : text;
  }
  return out;
}

/** The installed blueprint named exactly `name`, if any (the search also matches descriptions). */
function useBlueprintNamed(name: string, enabled: boolean) {
  return useQuery({
    queryKey: ["blueprints", "named", name],
    queryFn: async () => {
      const page = await unwrap(api.GET("/api/v1/workflow/process-templates/", { params: { query: { search: name, size: 500 } } }));
      return page.items.find((b) => b.name === name) ?? null;
    },
    enabled: enabled && name !== "",
  });
}

export function PublishBlueprintDialog({
  workflow,
  open,
  onClose,
}: {
  workflow: { id: number; name: string; description?: string | null };
  open: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation(["workflows", "common"]);
  const id = useId();
  const queryClient = useQueryClient();
  const nameRef = useRef<HTMLInputElement>(null);
  const [name, setName] = useState(workflow.name);
  // The name the catalog is asked about: the typed one, 300 ms after the last keystroke.
  const [lookup, setLookup] = useState(workflow.name.trim());
  // null: the suggested version (it follows the name) until the field is edited.
  const [version, setVersion] = useState<string | null>(null);
  const [type, setType] = useState("general");
  const [description, setDescription] = useState(workflow.description ?? "");
  const [problems, setProblems] = useState<Problems>({});

  useEffect(() => {
    const timer = setTimeout(() => setLookup(name.trim()), 300);
    return () => clearTimeout(timer);
  }, [name]);
  const existing = useBlueprintNamed(lookup, open);
  const suggestion = suggestedVersion(existing.data ?? null);
  const shownVersion = version ?? suggestion.version;

  const publish = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/v1/workflow/process-templates/from_workflow/", {
          body: {
            workflow_id: workflow.id,
            name: name.trim(),
            version: shownVersion.trim(),
            template_type: type,
            description,
            author: "",
          },
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["blueprints"] }),
    onError: (err) => setProblems(placeErrors(err)),
  });

  const ref = useModalDialog(open, () => {
    setName(workflow.name);
    setLookup(workflow.name.trim());
    setVersion(null);
    setType("general");
    setDescription(workflow.description ?? "");
    setProblems({});
    publish.reset();
    nameRef.current?.focus();
  });

  const submit = () => {
    const found: Problems = {};
    if (!name.trim()) found.name = t("publish.nameNeeded");
    if (!parseVersion(shownVersion)) {
      found.version = t("publish.notSemver", { version: shownVersion.trim() });
    }
    setProblems(found);
    if (Object.keys(found).length === 0) publish.mutate();
    else setTimeout(() => ref.current?.querySelector<HTMLElement>("[aria-invalid='true']")?.focus(), 0);
  };

  const change = (field: Field, apply: () => void) => {
    apply();
    // A corrected field's problem goes away.
    setProblems(({ [field]: _gone, ...rest }) => rest);
  };

  const versionHint = suggestion.newest
    ? t(suggestion.major ? "publish.inCatalogMajor" : "publish.inCatalog", {
        name: lookup,
        newest: suggestion.newest,
        version: suggestion.version,
      })
    : t("publish.semverHint");

  /** A field's label, control and hint, or its problem in place of the hint. */
  const field = (key: Field, label: string, hint: string, control: (props: { id: string; "aria-invalid"?: true; "aria-describedby": string }) => ReactNode) => {
    const fieldId = `${id}-${key}`;
    return (
      <div className="field">
        <label htmlFor={fieldId}>
          <span className="field-label">{label}</span>
        </label>
        {control({ id: fieldId, "aria-invalid": problems[key] ? true : undefined, "aria-describedby": `${fieldId}-hint` })}
        <span id={`${fieldId}-hint`} className={problems[key] ? "field-error" : "hint"} role={problems[key] ? "alert" : undefined}>
          {problems[key] ?? hint}
        </span>
      </div>
    );
  };

  const placed = FIELDS.some((f) => problems[f]);
  return (
    <dialog
      ref={ref}
      className="dialog wf-publish-dialog"
      aria-labelledby={`${id}-title`}
      onCancel={(e) => {
        e.preventDefault();
        if (!publish.isPending) onClose();
      }}
    >
      <h2 id={`${id}-title`}>{t("publish.title")}</h2>
      {publish.isSuccess ? (
        <div aria-live="polite">
          <p role="status">
            {t("publish.published", { name: publish.data.name, version: publish.data.version })}
          </p>
          <p>
            <Link to={`/blueprints?id=${publish.data.id}`}>{t("publish.openInCatalog")}</Link>
          </p>
          <div className="dialog-actions">
            <button type="button" onClick={onClose}>
              {t("common:actions.close")}
            </button>
          </div>
        </div>
      ) : (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <p className="hint">{t("publish.intro")}</p>
          {(problems[""] || (publish.isError && !placed)) && (
            <ErrorMessage error={problems[""] ? new Error(problems[""]) : publish.error} />
          )}
          {field("name", t("publish.name"), t("publish.nameHint"), (props) => (
            <input {...props} ref={nameRef} type="text" value={name} maxLength={200}
              onChange={(e) => change("name", () => setName(e.target.value))} />
          ))}
          {field("version", t("publish.version"), existing.isFetching && version === null ? t("publish.lookingUp") : versionHint, (props) => (
            <input {...props} type="text" value={shownVersion} maxLength={100} spellCheck={false}
              onChange={(e) => change("version", () => setVersion(e.target.value))} />
          ))}
          {field("template_type", t("publish.type"), t("publish.typeHint"), (props) => (
            <select {...props} value={type} onChange={(e) => change("template_type", () => setType(e.target.value))}>
              {BLUEPRINT_TYPES.map((blueprintType) => (
                <option key={blueprintType} value={blueprintType}>
                  {t(`publish.types.${blueprintType}`)}
                </option>
              ))}
            </select>
          ))}
          {field("description", t("publish.description"), t("publish.descriptionHint"), (props) => (
            <textarea {...props} rows={3} value={description}
              onChange={(e) => change("description", () => setDescription(e.target.value))} />
          ))}
          <div className="dialog-actions">
            <button type="button" onClick={onClose} disabled={publish.isPending}>
              {t("common:actions.cancel")}
            </button>
            <button type="submit" className="primary" disabled={publish.isPending}>
              {publish.isPending ? t("publish.publishing") : t("publish.publish")}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
