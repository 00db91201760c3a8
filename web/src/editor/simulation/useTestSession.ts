// The Test panel's state, kept by the editor page so it survives switching sections: the inputs
// as typed, the last single test (and the definition it was run on), and the back-test polled
// every 500 ms until it completes or fails.
import { useQuery } from "@tanstack/react-query";
import { useCallback, useMemo, useState } from "react";
import type { Definition, EditorSchema } from "../types";
import { compare, getSimulation, isFinished, simulate, startBacktest } from "./api";
import {
  applyExample, buildInputs, draftOf, EMPTY_INPUTS, inputFields, picksEntity, subjectOf, triggerEntity,
  type TestInputState,
} from "./testInputs";
import type { Example, SimulationInputs, SimulationOut } from "./types";

export const POLL_MS = 500;

export interface TestSessionOptions {
  def: Definition | null;
  workflowId: number | null;
  dirty: boolean;
  schema: EditorSchema | undefined;
}

export function useTestSession({ def, workflowId, dirty, schema }: TestSessionOptions) {
  const [inputs, setInputs] = useState<TestInputState>(EMPTY_INPUTS);
  const [result, setResult] = useState<{ sim: SimulationOut; defKey: string; def: Definition } | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [problems, setProblems] = useState<string[]>([]);

  const fixed = def ? triggerEntity(def, schema) : null;
  const entity = def && picksEntity(def.trigger_type) ? inputs.entityOverride || null : fixed;
  const fields = useMemo(() => inputFields(schema, entity), [schema, entity]);
  const defKey = def ? JSON.stringify(def) : "";

  const send = useCallback(async (body: SimulationInputs) => {
    if (!def) return;
    setRunning(true);
    setError(null);
    const key = JSON.stringify(def);
    try {
      const sim = await simulate({ ...subjectOf(def, workflowId, dirty), ...body });
      setResult({ sim, defKey: key, def });
    } catch (err) {
      setError(err);
    } finally {
      setRunning(false);
    }
  }, [def, workflowId, dirty]);

  /** Run the test with the inputs as typed. */
  const run = useCallback(() => {
    const built = buildInputs(inputs, fields, entity);
    setProblems(built.problems);
    if (built.problems.length) return;
    void send(built.inputs);
  }, [inputs, fields, entity, send]);

  /** Show an alternative's example in the form and run the test with exactly that input. */
  const tryExample = useCallback((example: Example) => {
    setInputs((s) => applyExample(s, example, fields));
    setProblems([]);
    const body: SimulationInputs = { input_data: example.input_data ?? {} };
    if (example.trigger) body.trigger = example.trigger;
    if (inputs.source === "record" && entity && inputs.record) {
      body.entity_type = entity;
      body.entity_id = inputs.record.id;
    }
    void send(body);
  }, [fields, inputs.source, inputs.record, entity, send]);

  // ----- comparison of the draft with the saved version, on the same input
  const [comparison, setComparison] = useState<SimulationOut | null>(null);
  const [comparing, setComparing] = useState(false);
  const [compareError, setCompareError] = useState<unknown>(null);
  const canCompare = !!workflowId && dirty;
  const runCompare = useCallback(async () => {
    if (!def || !workflowId) return;
    const built = buildInputs(inputs, fields, entity);
    setProblems(built.problems);
    if (built.problems.length) return;
    setComparing(true);
    setCompareError(null);
    try {
      setComparison(await compare({ workflow_id: workflowId, definition: draftOf(def), ...built.inputs }));
    } catch (err) {
      setCompareError(err);
    } finally {
      setComparing(false);
    }
  }, [def, workflowId, inputs, fields, entity]);

  // ----- back-test
  const [days, setDays] = useState(30);
  const [started, setStarted] = useState<SimulationOut | null>(null);
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<unknown>(null);
  const startBacktestRun = useCallback(async () => {
    if (!def) return;
    setStarting(true);
    setStartError(null);
    try {
      setStarted(await startBacktest({ ...subjectOf(def, workflowId, dirty), days }));
    } catch (err) {
      setStartError(err);
    } finally {
      setStarting(false);
    }
  }, [def, workflowId, dirty, days]);
  const poll = useQuery({
    queryKey: ["simulation", started?.id],
    queryFn: () => getSimulation(started!.id),
    enabled: !!started && !isFinished(started),
    refetchInterval: (query) => (query.state.data && isFinished(query.state.data) ? false : POLL_MS),
    gcTime: 0,
  });
  const backtest = started ? (poll.data && poll.data.id === started.id ? poll.data : started) : null;

  return {
    inputs, setInputs, entity, fixedEntity: fixed, fields,
    run, tryExample, running, error, problems,
    result: result?.sim ?? null,
    /** The definition the last result was computed on (its conditions word the decisions). */
    testedDefinition: result?.def ?? null,
    /** The last result was computed on the definition the editor shows now. */
    fresh: !!result && result.defKey === defKey,
    comparison, canCompare, runCompare, comparing, compareError,
    backtest: {
      days, setDays, start: startBacktestRun, starting, startError, sim: backtest,
      pollError: poll.isError ? poll.error : null,
    },
  };
}

export type TestSession = ReturnType<typeof useTestSession>;
