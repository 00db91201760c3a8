// Create or change an SLA on a workflow: the name, what it measures (the whole run or one step),
// the target and the warning and critical thresholds (in seconds, minutes or hours) and the SLO.
// The API's refusals are shown beside the field they name.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api, unwrap, type Schemas } from "../../api/client";
import { useModalDialog } from "../../components/useModalDialog";
import i18n from "../../i18n";
import {
  choiceText, fromSeconds, measuresText, placeErrors, toSeconds, UNITS, type Duration, type StepChoice,
} from "./sla";

type SLA = Schemas["SLAOut"];
type DurationKey = "target_duration_seconds" | "warning_threshold_seconds" | "critical_threshold_seconds";

interface Form {
  name: string;
  step_path: string;
  target_duration_seconds: Duration;
  warning_threshold_seconds: Duration;
  critical_threshold_seconds: Duration;
  slo_window_hours: string;
  slo_target_percentage: string;
}

function initial(sla: SLA | null): Form {
  if (!sla) {
    const empty: Duration = { value: "", unit: "minutes" };
    return {
      name: "", step_path: "", target_duration_seconds: empty, warning_threshold_seconds: empty,
      critical_threshold_seconds: empty, slo_window_hours: "24", slo_target_percentage: "99",
    };
  }
  return {
    name: sla.name,
    step_path: sla.step_path ?? "",
    target_duration_seconds: fromSeconds(sla.target_duration_seconds),
    warning_threshold_seconds: fromSeconds(sla.warning_threshold_seconds),
    critical_threshold_seconds: fromSeconds(sla.critical_threshold_seconds),
    slo_window_hours: String(sla.slo_window_hours),
    slo_target_percentage: String(sla.slo_target_percentage),
  };
}

// Each duration field and its catalogue texts (slaDialog.<label> and slaDialog.<label>Hint).
const DURATIONS: { key: DurationKey; label: "target" | "warning" | "critical" }[] = [
  { key: "target_duration_seconds", label: "target" },
  { key: "warning_threshold_seconds", label: "warning" },
  { key: "critical_threshold_seconds", label: "critical" },
];

/** Check the form; return the body to send, or the problems by field (in the current language). */
function check(form: Form): { body: Record<string, unknown> | null; problems: Record<string, string> } {
  const t = i18n.getFixedT(null, "workflow", "slaDialog.problems");
  const problems: Record<string, string> = {};
  if (!form.name.trim()) problems.name = t("name");
  const seconds = {} as Record<DurationKey, number>;
  for (const { key } of DURATIONS) {
    const value = toSeconds(form[key]);
    if (value === null) problems[key] = t("duration");
    else seconds[key] = value;
  }
  if (!problems.warning_threshold_seconds && !problems.critical_threshold_seconds &&
      seconds.warning_threshold_seconds > seconds.critical_threshold_seconds) {
    problems.warning_threshold_seconds = t("order");
  }
  const hours = Number(form.slo_window_hours);
  if (!Number.isInteger(hours) || hours < 1 || hours > 2160) problems.slo_window_hours = t("window");
  const pct = Number(form.slo_target_percentage.replace(",", "."));
  if (!form.slo_target_percentage.trim() || !(pct > 0 && pct < 100)) problems.slo_target_percentage = t("percentage");
  if (Object.keys(problems).length) return { body: null, problems };
  return {
    body: {
      name: form.name.trim(),
      ...seconds,
      slo_window_hours: hours,
      slo_target_percentage: pct,
    },
    problems,
  };
}

export function SlaDialog({
  open,
  sla,
  workflowId,
  steps,
  onClose,
  onSaved,
}: {
  open: boolean;
  /** The SLA to change; null to create one. */
  sla: SLA | null;
  workflowId: number;
  steps: StepChoice[];
  onClose: () => void;
  onSaved: (saved: SLA, created: boolean) => void;
}) {
  const { t } = useTranslation("workflow", { keyPrefix: "slaDialog" });
  const ids = { title: useId(), name: useId(), step: useId(), window: useId(), pct: useId(), dur: useId() };
  const nameRef = useRef<HTMLInputElement>(null);
  const [form, setForm] = useState<Form>(() => initial(sla));
  const [problems, setProblems] = useState<Record<string, string>>({});
  const queryClient = useQueryClient();
  const creating = sla === null;

  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      creating
        ? unwrap(
            api.POST("/api/v1/workflow/workflow-slas/", {
              body: {
                ...(body as Omit<Schemas["SLACreate"], "workflow_id">),
                workflow_id: workflowId,
                step_path: form.step_path || null,
                is_active: true,
              },
            }),
          )
        : unwrap(
            api.PATCH("/api/v1/workflow/workflow-slas/{sla_id}/", {
              params: { path: { sla_id: sla.id } },
              body: body as Schemas["SLAUpdate"],
            }),
          ),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: ["sla"] });
      void queryClient.invalidateQueries({ queryKey: ["operations"] });
      onSaved(saved, creating);
    },
    onError: (error) => {
      if (error instanceof ApiError && error.fieldErrors.length) setProblems(placeErrors(error.fieldErrors));
    },
  });
  const ref = useModalDialog(open, () => {
    setForm(initial(sla));
    setProblems({});
    save.reset();
    nameRef.current?.focus();
  });

  const set = <K extends keyof Form>(key: K, value: Form[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    // A corrected field's problem goes away.
    setProblems(({ [key]: _gone, ...rest }) => rest);
  };
  const placed = save.error instanceof ApiError && save.error.fieldErrors.length > 0;
  const general =
    problems[""] ?? (save.isError ? (placed ? t("notSaved") : save.error.message) : "");

  /** A field's label, control(s) and its hint, or its problem in place of the hint. */
  const field = (key: string, id: string, label: string, hint: string, control: (described: string) => ReactNode) => (
    <div className="field">
      <label htmlFor={id}>
        <span className="field-label">{label}</span>
      </label>
      {control(`${id}-hint`)}
      <span id={`${id}-hint`} className={problems[key] ? "field-error" : "hint"}>
        {problems[key] ?? hint}
      </span>
    </div>
  );

  return (
    <dialog
      ref={ref}
      className="dialog sla-dialog"
      aria-labelledby={ids.title}
      onCancel={(e) => {
        e.preventDefault();
        if (!save.isPending) onClose();
      }}
    >
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const { body, problems: found } = check(form);
          setProblems(found);
          if (body) save.mutate(body);
        }}
      >
        <h2 id={ids.title}>{creating ? t("addTitle") : t("changeTitle", { name: sla.name })}</h2>
        {field("name", ids.name, t("name"), t("nameHint"), (described) => (
          <input
            id={ids.name}
            ref={nameRef}
            type="text"
            value={form.name}
            maxLength={200}
            aria-invalid={!!problems.name || undefined}
            aria-describedby={described}
            onChange={(e) => set("name", e.target.value)}
          />
        ))}
        {creating ? (
          field("step_path", ids.step, t("measures"), t("measuresHint"), (described) => (
            <select
              id={ids.step}
              className="sla-step"
              value={form.step_path}
              aria-invalid={!!problems.step_path || undefined}
              aria-describedby={described}
              onChange={(e) => set("step_path", e.target.value)}
            >
              <option value="">{t("wholeRun")}</option>
              {steps.length > 0 && (
                <optgroup label={t("oneStep")}>
                  {steps.map((c) => (
                    <option key={c.path} value={c.path}>
                      {choiceText(c)}
                    </option>
                  ))}
                </optgroup>
              )}
            </select>
          ))
        ) : (
          <p className="hint">{t("measuresFixed", { measures: measuresText(sla.step_path, steps) })}</p>
        )}
        <div className="sla-grid">
          {DURATIONS.map(({ key, label: name }) => {
            const id = `${ids.dur}-${key}`;
            const label = t(name);
            return (
              <div key={key}>
                {field(key, id, label, t(`${name}Hint`), (described) => (
                  <div className="sla-duration">
                    <input
                      id={id}
                      type="text"
                      inputMode="decimal"
                      value={form[key].value}
                      aria-invalid={!!problems[key] || undefined}
                      aria-describedby={described}
                      onChange={(e) => set(key, { ...form[key], value: e.target.value })}
                    />
                    <select
                      aria-label={t("unitOf", { label })}
                      value={form[key].unit}
                      onChange={(e) => set(key, { ...form[key], unit: e.target.value as Duration["unit"] })}
                    >
                      {UNITS.map((u) => (
                        <option key={u} value={u}>
                          {t(`units.${u}`)}
                        </option>
                      ))}
                    </select>
                  </div>
                ))}
              </div>
            );
          })}
        </div>
        <div className="sla-grid">
          {field("slo_target_percentage", ids.pct, t("sloTarget"), t("sloTargetHint"), (described) => (
            <input
              id={ids.pct}
              type="text"
              inputMode="decimal"
              value={form.slo_target_percentage}
              aria-invalid={!!problems.slo_target_percentage || undefined}
              aria-describedby={described}
              onChange={(e) => set("slo_target_percentage", e.target.value)}
            />
          ))}
          {field("slo_window_hours", ids.window, t("sloWindow"), t("sloWindowHint"), (described) => (
            <input
              id={ids.window}
              type="number"
              min={1}
              max={2160}
              step={1}
              value={form.slo_window_hours}
              aria-invalid={!!problems.slo_window_hours || undefined}
              aria-describedby={described}
              onChange={(e) => set("slo_window_hours", e.target.value)}
            />
          ))}
        </div>
        {general && (
          <div className="error-box" role="alert">
            {general}
          </div>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={onClose} disabled={save.isPending}>
            {t("cancel")}
          </button>
          <button type="submit" className="primary" disabled={save.isPending}>
            {save.isPending ? t("saving") : creating ? t("submitAdd") : t("save")}
          </button>
        </div>
      </form>
    </dialog>
  );
}
