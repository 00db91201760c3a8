// The editor's Test panel: run the workflow (saved, or the editor's unsaved draft) on an input
// without doing anything, and see what would happen; or back-test it over recorded events.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorMessage } from "../../components/common";
import type { ConditionField } from "../../components/conditionWords";
import { panelId, tabId, Tabs, type TabDef } from "../../pages/workflows/Tabs";
import { BacktestPanel } from "./BacktestPanel";
import { CompareResult } from "./CompareResult";
import { SimulationResult } from "./SimulationResult";
import { TestInputForm } from "./TestInputForm";
import type { TestSession } from "./useTestSession";
import "./simulation.css";

type Mode = "single" | "backtest";
const MODES: Mode[] = ["single", "backtest"];

export interface TestPanelProps {
  session: TestSession;
  triggerType: string;
  /** What is tested, in words: "the saved version 3", "the unsaved changes". */
  subject: string;
  typeLabel: (type: string) => string;
  labelOfPath: (path: string) => string;
  onGoTo: (path: string) => void;
  onShowStep: (path: string) => void;
  /** The fields' labels (the editor schema's), for decisions in words. */
  fields?: readonly ConditionField[];
}

export function TestPanel({ session, triggerType, subject, typeLabel, labelOfPath, onGoTo, onShowStep, fields }: TestPanelProps) {
  const { t } = useTranslation("simulation");
  const [mode, setMode] = useState<Mode>("single");
  const s = session;
  const tabs: TabDef<Mode>[] = MODES.map((key) => ({ key, label: t(`panel.${key}`) }));
  return (
    <div className="test-panel" aria-label={t("panel.label")} role="region">
      <p className="hint">{t("panel.intro", { subject })}</p>
      <Tabs tabs={tabs} selected={mode} onSelect={setMode} label={t("panel.modes")} />
      <div role="tabpanel" id={panelId(mode)} aria-labelledby={tabId(mode)}>
        {mode === "single" ? (
          <>
            <TestInputForm triggerType={triggerType} inputs={s.inputs} setInputs={s.setInputs} entity={s.entity}
              fields={s.fields} problems={s.problems} running={s.running} onRun={s.run}
              extraActions={s.canCompare && (
                <button type="button" onClick={() => void s.runCompare()} disabled={s.comparing}>
                  {s.comparing ? t("panel.comparing") : t("panel.compare")}

                </button>
              )} />
            <div aria-live="polite" aria-busy={s.running}>
              {!!s.error && <ErrorMessage error={s.error} onRetry={s.run} />}
              {s.result && (
                <SimulationResult sim={s.result} typeLabel={typeLabel} labelOfPath={labelOfPath} onGoTo={onGoTo}
                  onShowStep={onShowStep} onTry={s.tryExample} busy={s.running} stale={!s.fresh} fields={fields}
                  definition={s.testedDefinition} />
              )}
            </div>
            {!!s.compareError && <ErrorMessage error={s.compareError} />}
            {s.comparison && <CompareResult sim={s.comparison} labelOfPath={labelOfPath} />}
          </>
        ) : (
          <BacktestPanel backtest={s.backtest} subject={subject} labelOfPath={labelOfPath} onGoTo={onGoTo} />
        )}
      </div>
    </div>
  );
}
