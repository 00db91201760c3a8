// One way to write a workflow's run policy, wherever a definition is shown (details, versions):
// a stored policy may be null, {} or partial, and means the defaults for what it leaves out.
import { useTranslation } from "react-i18next";
import i18n from "../../i18n";

const MODES = ["parallel", "single", "restart", "queued"] as const;

export interface RunPolicyWords {
  mode: string;
  reenrollment: string;
  /** Parallel runs, re-enrollment always: what a workflow without a policy does. */
  isDefault: boolean;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A run policy as words in the current language, its defaults filled in. */
export function runPolicyWords(policy: unknown): RunPolicyWords {
  const t = i18n.getFixedT(null, "workflow", "runPolicy");
  const p = isObj(policy) ? policy : {};
  const mode = typeof p.mode === "string" ? p.mode.toLowerCase() : "parallel";
  const re = p.reenrollment ?? "always";
  let reenrollment: string;
  if (isObj(re) && re.after_days !== undefined) {
    const days = Number(re.after_days);
    reenrollment = t("afterDays", { count: days });
  } else if (typeof re === "string" && re.toLowerCase() === "never") {
    reenrollment = t("never");
  } else if (typeof re === "string" && re.toLowerCase() === "always") {
    reenrollment = t("always");
  } else {
    reenrollment = JSON.stringify(re);
  }
  const isDefault = mode === "parallel" && typeof re === "string" && re.toLowerCase() === "always";
  const known = MODES.find((m) => m === mode);
  return { mode: known ? t(`modes.${known}`) : mode, reenrollment, isDefault };
}

/** The run policy (per trigger record) as a short list; "(the default)" when nothing was chosen. */
export function RunPolicyView({ policy }: { policy: unknown }) {
  const { t } = useTranslation("workflow", { keyPrefix: "runPolicy" });
  const words = runPolicyWords(policy);
  return (
    <>
      <dl className="wf-config">
        <div>
          <dt>{t("runMode")}</dt>
          <dd>{words.mode}</dd>
        </div>
        <div>
          <dt>{t("reenrollment")}</dt>
          <dd>{words.reenrollment}</dd>
        </div>
      </dl>
      {words.isDefault && <p className="hint">{t("isDefault")}</p>}
    </>
  );
}
