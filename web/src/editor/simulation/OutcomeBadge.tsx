// A simulation's predicted outcome as a status badge: the run's status colours (success green,
// completed with errors amber, failed red, skipped grey), "invalid" and "not triggered" never green.
import { StatusBadge } from "../../components/common";
import type { SimulationOut } from "./types";

export function OutcomeBadge({ sim }: { sim: Pick<SimulationOut, "status" | "outcome" | "would_trigger"> }) {
  if (sim.status === "invalid") return <span className="badge badge-invalid">invalid</span>;
  if (sim.status === "failed") return <span className="badge badge-failed">simulation failed</span>;
  if (sim.status === "queued" || sim.status === "running") return <StatusBadge status={sim.status} />;
  if (sim.outcome) return <StatusBadge status={sim.outcome} />;
  if (sim.would_trigger === false) return <span className="badge badge-skipped">not triggered</span>;
  return <span className="badge">unknown</span>;
}

/** "Yes" / "No" for whether the run would start. */
export function WouldTrigger({ value }: { value: boolean | null | undefined }) {
  if (value === null || value === undefined) return <span className="badge">unknown</span>;
  return value
    ? <span className="badge badge-success">yes</span>
    : <span className="badge badge-skipped">no</span>;
}
