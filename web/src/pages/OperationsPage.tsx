// /operations: the company's runs across workflows over a window (1, 7, 30 or 90 days, kept in
// the URL): runs per day by status, totals, runs in flight, the top failing and slowest
// workflows, each active SLA against its objective, and the breaches nobody has resolved.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router-dom";
import { api, unwrap } from "../api/client";
import { useSession } from "../auth/session";
import { ErrorMessage, Loading } from "../components/common";
import { BreachList } from "./operations/BreachList";
import { DEFAULT_WINDOW, windowLabel, WINDOWS } from "./operations/labels";
import { FailingTable, SloTable, SlowestTable } from "./operations/OverviewTables";
import { RunsPerDayChart, Totals } from "./operations/RunsSummary";
import "./workflows/workflows.css";
import "./operations/operations.css";

export default function OperationsPage() {
  const { t } = useTranslation("operations");
  const { user } = useSession();
  const canWrite = !!user && user.role !== "viewer";
  const [params, setParams] = useSearchParams();
  const asked = Number(params.get("days"));
  const days = WINDOWS.includes(asked) ? asked : DEFAULT_WINDOW;

  const overview = useQuery({
    queryKey: ["operations", "overview", days],
    queryFn: () => unwrap(api.GET("/api/v1/operations/overview", { params: { query: { days } } })),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });

  let content;
  if (overview.isPending) content = <Loading label={t("loading")} />;
  else if (overview.isError) content = <ErrorMessage error={overview.error} onRetry={() => void overview.refetch()} />;
  else {
    const o = overview.data;
    content = (
      <div aria-busy={overview.isFetching && overview.isPlaceholderData}>
        <Totals overview={o} />
        <RunsPerDayChart overview={o} />
        <div className="ops-grid">
          <section aria-labelledby="ops-failing">
            <h2 id="ops-failing">{t("failing.title")}</h2>
            <FailingTable rows={o.top_failing} />
          </section>
          <section aria-labelledby="ops-slowest">
            <h2 id="ops-slowest">{t("slowest.title")}</h2>
            <SlowestTable rows={o.slowest} />
          </section>
        </div>
        <section aria-labelledby="ops-slos">
          <h2 id="ops-slos">{t("slos.title")}</h2>
          <p className="hint">{t("slos.hint")}</p>
          <SloTable rows={o.slos} />
        </section>
      </div>
    );
  }

  return (
    <section className="ops-page" aria-labelledby="ops-title">
      <div className="row wf-head">
        <h1 id="ops-title">{t("title")}</h1>
        <span className="spacer" />
        <div className="field wf-inline-field">
          <label htmlFor="ops-window">{t("window.label")}</label>
          <select
            id="ops-window"
            value={days}
            onChange={(e) => {
              const next = Number(e.target.value);
              setParams(next === DEFAULT_WINDOW ? {} : { days: String(next) }, { replace: true });
            }}
          >
            {WINDOWS.map((d) => (
              <option key={d} value={d}>
                {windowLabel(d)}
              </option>
            ))}
          </select>
        </div>
      </div>
      {content}
      <section aria-labelledby="ops-breaches">
        <h2 id="ops-breaches">{t("breaches.title")}</h2>
        <p className="hint">{t("breaches.hint")}</p>
        <BreachList canWrite={canWrite} />
      </section>
    </section>
  );
}
