// The small marks a suggestion carries in the inbox and on its page: its kind, who wrote its words,
// and its confidence with what that number means.
import { useTranslation } from "react-i18next";
import { kindLabel } from "./types";
import { confidenceText, confidenceTooltip } from "./wording";

export function KindBadge({ kind }: { kind: string }) {
  return <span className={`badge sg-kind sg-kind-${kind}`}>{kindLabel(kind)}</span>;
}

/** The words were rewritten by a language model (the figures always come from the history). */
export function SourceBadge() {
  const { t } = useTranslation("suggestions");
  return (
    <span className="badge sg-ai" title={t("badges.aiTitle")}>
      {t("badges.ai")}
    </span>
  );
}

/** "96 %" with its meaning as a tooltip, and in words for screen readers. */
export function ConfidenceValue({ score }: { score: number }) {
  const meaning = confidenceTooltip(score);
  return (
    <span className="sg-confidence" title={meaning}>
      {confidenceText(score)}
      <span className="visually-hidden"> ({meaning})</span>
    </span>
  );
}
