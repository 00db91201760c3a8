// A simulation's predicted outcome as a status badge: the run's status colours (success green,
// completed with errors amber, failed red, skipped grey), "invalid" and "not triggered" never green.
import { useTranslation } from "react-i18next";
import { StatusBadge } from "../../components/common";
import type { SimulationOut } from "./types";

export function OutcomeBadge({ sim }: { sim: Pick<SimulationOut, "status" | "outcome" | "would_trigger"> }) {
  const { t } = useTranslation("simulation");
  if (sim.status === "invalid") return <span className="badge badge-invalid">{t("badges.invalid")}</span>;
  if (sim.status === "failed") return <span className="badge badge-failed">{t("badges.simulationFailed")}</span>;
  if (sim.status === "queued" || sim.status === "running") return <StatusBadge status={sim.status} />;
  if (sim.outcome) return <StatusBadge status={sim.outcome} />;
  if (sim.would_trigger === false) return <span className="badge badge-skipped">{t("badges.notTriggered")}</span>;
  return <span className="badge">{t("badges.unknown")}</span>;
}

/** "Yes" / "No" for whether the run would start. */
export function WouldTrigger({ value }: { value: boolean | null | undefined }) {
  const { t } = useTranslation("simulation");
  if (value === null || value === undefined) return <span className="badge">{t("badges.unknown")}</span>;
  return value
    ? <span className="badge badge-success">{t("badges.yes")}</span>
    : <span className="badge badge-skipped">{t("badges.no")}</span>;

}
