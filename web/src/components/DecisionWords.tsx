// A condition's decision as a sentence (conditionWords.ts), with the server's own sentence and the
// raw rule and value one click away; used by a run's page and the editor's Test panel.
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useEditorData } from "../api/editorSchema";
import { decisionSentence, type ConditionField, type DecisionData, type VerdictKind } from "./conditionWords";
import "./decisionWords.css";

/** Every field the editor schema labels (each record's, then the trigger's); none while it loads. */
export function useConditionFields(): ConditionField[] {
  const { schema } = useEditorData();
  const data = schema.data;
  return useMemo(() => (data ? [...Object.values(data.entities).flat(), ...data.trigger_fields] : []), [data]);
}

/** The decision in words, else the server's sentence; "Details" shows the server's sentence and the raw JSON.
 *  `fields` (useConditionFields, or the editor's) give the fields' labels. */
export function DecisionWords({ decision, fields = [], kind = "conditions", className }: {
  decision: DecisionData;
  fields?: readonly ConditionField[];
  kind?: VerdictKind;
  className?: string;
}) {
  const { t } = useTranslation("editor", { keyPrefix: "decisionWords" });
  const [open, setOpen] = useState(false);
  const sentence = decisionSentence(decision, fields, kind);
  const explanation = typeof decision.explanation === "string" ? decision.explanation : "";
  const main = sentence ?? explanation;
  // Without a rule the server's sentence ("no conditions") adds nothing to the words.
  const hasRule = decision.rule !== null && decision.rule !== undefined;
  return (
    <div className="decision-words">
      {main && <p className={className}>{main}</p>}
      {hasRule && (
        <button type="button" className="link lv-toggle" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
          {t(open ? "hideDetails" : "details")}
        </button>
      )}
      {hasRule && open && (
        <dl className="decision-details">
          {sentence !== null && explanation !== "" && (
            <>
              <dt>{t("serverText")}</dt>
              <dd>{explanation}</dd>
            </>
          )}
          <dt>{t("rawRule")}</dt>
          <dd><code>{JSON.stringify(decision.rule)}</code></dd>
          <dt>{t("rawActual")}</dt>
          <dd><code>{JSON.stringify(decision.actual ?? null)}</code></dd>
        </dl>
      )}
    </div>
  );
}
