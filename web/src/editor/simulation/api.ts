// Calls of the simulation API (`/api/v1/workflow/workflow-simulations/`), through the app's
// typed client so they carry the session's token and turn refusals into ApiErrors.
import { api, unwrap, type Schemas } from "../../api/client";
import type { BacktestCreate, CompareCreate, SimulationCreate, SimulationOut } from "./types";

/** Simulate one run (201; status "invalid" with validation_errors when the draft is refused). */
export function simulate(body: SimulationCreate): Promise<SimulationOut> {
  return unwrap(api.POST("/api/v1/workflow/workflow-simulations/", { body }));
}

/** Start a back-test (202, queued or running): poll `getSimulation` until it is done. */
export function startBacktest(body: BacktestCreate): Promise<SimulationOut> {
  // `days` and `max_events` default on the server: unset ones are left out.
  return unwrap(api.POST("/api/v1/workflow/workflow-simulations/backtest", { body: body as Schemas["BacktestCreate"] }));
}

/** Run two versions (or the saved one and a draft) on the same input. */
export function compare(body: CompareCreate): Promise<SimulationOut> {
  return unwrap(api.POST("/api/v1/workflow/workflow-simulations/compare", { body }));
}

export function getSimulation(id: number): Promise<SimulationOut> {
  return unwrap(api.GET("/api/v1/workflow/workflow-simulations/{simulation_id}/", { params: { path: { simulation_id: id } } }));
}

/** A back-test is over when it completed or failed. */
export function isFinished(sim: Pick<SimulationOut, "status">): boolean {
  return sim.status !== "queued" && sim.status !== "running";
}
