// One way to write a workflow's run policy, wherever a definition is shown (details, versions):
// a stored policy may be null, {} or partial, and means the defaults for what it leaves out.

const MODE_TEXT: Record<string, string> = {
  parallel: "Parallel: every trigger starts a run",
  single: "Single: skip while a run for the record is in progress",
  restart: "Restart: cancel the run in progress and start again",
  queued: "Queued: wait for the run in progress to end",
};

export interface RunPolicyWords {
  mode: string;
  reenrollment: string;
  /** Parallel runs, re-enrollment always: what a workflow without a policy does. */
  isDefault: boolean;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A run policy as words, its defaults filled in. */
export function runPolicyWords(policy: unknown): RunPolicyWords {
  const p = isObj(policy) ? policy : {};
  const mode = typeof p.mode === "string" ? p.mode.toLowerCase() : "parallel";
  const re = p.reenrollment ?? "always";
  let reenrollment: string;
  if (isObj(re) && re.after_days !== undefined) {
    const days = Number(re.after_days);
    reenrollment = `After ${days} ${days === 1 ? "day" : "days"}: a record can go through again once that long has passed`;
  } else if (typeof re === "string" && re.toLowerCase() === "never") {
    reenrollment = "Never: once per record";
  } else if (typeof re === "string" && re.toLowerCase() === "always") {
    reenrollment = "Always: a record can go through again";
  } else {
    reenrollment = JSON.stringify(re);
  }
  const isDefault = mode === "parallel" && typeof re === "string" && re.toLowerCase() === "always";
  return { mode: MODE_TEXT[mode] ?? mode, reenrollment, isDefault };
}

/** The run policy (per trigger record) as a short list; "(the default)" when nothing was chosen. */
export function RunPolicyView({ policy }: { policy: unknown }) {
  const words = runPolicyWords(policy);
  return (
    <>
      <dl className="wf-config">
        <div>
          <dt>Run mode</dt>
          <dd>{words.mode}</dd>
        </div>
        <div>
          <dt>Re-enrollment</dt>
          <dd>{words.reenrollment}</dd>
        </div>
      </dl>
      {words.isDefault && <p className="hint">The default run policy.</p>}
    </>
  );
}
