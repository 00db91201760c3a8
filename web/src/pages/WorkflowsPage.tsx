// /workflows: the paginated, filterable list of workflows with their row actions.
// Filters, sort and page live in the query string so a view can be shared or reloaded.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router-dom";
import { api, unwrap, type Schemas } from "../api/client";
import { useSession } from "../auth/session";
import { ErrorMessage, Loading, Pager, StatusBadge } from "../components/common";
import { formatDateTime, formatPercent, formatRelative } from "../format";
import { workflows as english } from "../i18n/en/workflows";
import { intParam, statusLabel, TRIGGER_TYPES, triggerLabel, WORKFLOW_STATUSES } from "./workflows/labels";
import { BulkBar, BulkOutcomeView, type BulkOutcome } from "./workflows/BulkBar";
import { TagChips, useWorkflowTags } from "./workflows/tags";
import { useWorkflowActions, WorkflowActionButtons } from "./workflows/useWorkflowActions";
import { useWorkflowImport } from "./workflows/workflowTransfer";
import "./workflows/workflows.css";

const PAGE_SIZE = 20;
const SORTABLE = {
  name: "columns.name",
  execution_count: "columns.executions",
  last_executed_at: "columns.lastRun",
} as const;

export default function WorkflowsPage() {
  const { t, i18n } = useTranslation(["workflows", "common"]);
  // A trigger type this interface does not know shows as the API names it, humanized.
  const triggerName = (type: string) =>
    Object.hasOwn(english.triggers, type) ? t(`triggers.${type as keyof typeof english.triggers}`) : triggerLabel(type);
  const { user } = useSession();
  const canWrite = !!user && user.role !== "viewer";
  const [params, setParams] = useSearchParams();
  const status = params.get("status") ?? "";
  const trigger = params.get("trigger_type") ?? "";
  const q = params.get("q") ?? "";
  const sort = params.get("sort") ?? "";
  const tag = params.get("tag") ?? "";
  const page = intParam(params.get("page"), 1);
  const tags = useWorkflowTags();

  // Selection is of this page's rows: another page or filter starts from none selected.
  const [selected, setSelected] = useState<Map<number, string>>(() => new Map());
  const [outcome, setOutcome] = useState<BulkOutcome | null>(null);
  useEffect(() => setSelected(new Map()), [status, trigger, q, sort, page, tag]);

  // The search box updates the URL (and the query) 300 ms after the last keystroke.
  const [search, setSearch] = useState(q);
  useEffect(() => setSearch(q), [q]);
  useEffect(() => {
    if (search.trim() === q) return;
    const timer = setTimeout(() => update({ q: search.trim() }), 300);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [search]);

  function update(changes: Record<string, string>, resetPage = true) {
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [key, value] of Object.entries(changes)) {
          if (value) next.set(key, value);
          else next.delete(key);
        }
        if (resetPage && !("page" in changes)) next.delete("page");
        return next;
      },
      { replace: "q" in changes },
    );
  }

  const list = useQuery({
    queryKey: ["workflows", { status, trigger, q, sort, page, tag }],
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/workflows", {
          params: {
            query: {
              page,
              size: PAGE_SIZE,
              status: (status || undefined) as Schemas["WorkflowStatus"] | undefined,
              trigger_type: (trigger || undefined) as Schemas["TriggerType"] | undefined,
              q: q || undefined,
              tag: tag ? [tag] : undefined,
              sort: sort || undefined,
            },
          },
        }),
      ),
    placeholderData: keepPreviousData,
  });

  const actions = useWorkflowActions();
  const importer = useWorkflowImport();
  const filtered = !!(status || trigger || q || tag);
  const rows = list.data?.items ?? [];
  const allSelected = rows.length > 0 && rows.every((wf) => selected.has(wf.id));
  const toggle = (id: number, name: string) =>
    setSelected((prev) => {
      const next = new Map(prev);
      if (next.has(id)) next.delete(id);
      else next.set(id, name);
      return next;
    });
  const toggleAll = () => setSelected(allSelected ? new Map() : new Map(rows.map((wf) => [wf.id, wf.name])));
  // A tag in the URL that no workflow holds any more still shows as chosen.
  const tagOptions = [...(tags.data ?? [])];
  if (tag && !tagOptions.some((t) => t.name.toLocaleLowerCase() === tag.toLocaleLowerCase())) tagOptions.push({ name: tag, count: 0 });

  const sortHeader = (key: string, label: string) => {
    const dir = sort === key ? "ascending" : sort === `-${key}` ? "descending" : "none";
    const next = dir === "ascending" ? `-${key}` : key;
    return (
      <th aria-sort={dir} scope="col">
        <button type="button" className="sort" onClick={() => update({ sort: next })}>
          {label}
          <span aria-hidden="true">{dir === "ascending" ? " ▲" : dir === "descending" ? " ▼" : ""}</span>
        </button>
      </th>
    );
  };
  const header = (key: keyof typeof SORTABLE) => sortHeader(key, t(SORTABLE[key]));

  return (
    <section className="wf-page" aria-labelledby="wf-title">
      <div className="row wf-head">
        <h1 id="wf-title">{t("title")}</h1>
        <span className="spacer" />
        {canWrite && (
          <>
            <button type="button" onClick={importer.pick} disabled={importer.busy}>
              {importer.busy ? t("importing") : t("import")}
            </button>
            {importer.fileInput}
            <Link className="button-link primary" to="/workflows/new">
              {t("newWorkflow")}
            </Link>
          </>
        )}
      </div>

      <form className="row wf-filters" role="search" aria-label={t("filters.label")} onSubmit={(e) => {
        e.preventDefault();
        update({ q: search.trim() });
      }}>
        <label className="field">
          <span>{t("filters.status")}</span>
          <select value={status} onChange={(e) => update({ status: e.target.value })}>
            <option value="">{t("filters.allStatuses")}</option>
            {WORKFLOW_STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t("filters.trigger")}</span>
          <select value={trigger} onChange={(e) => update({ trigger_type: e.target.value })}>
            <option value="">{t("filters.allTriggers")}</option>
            {TRIGGER_TYPES.map((type) => (
              <option key={type} value={type}>
                {triggerName(type)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t("filters.tag")}</span>
          <select value={tag} onChange={(e) => update({ tag: e.target.value })}>
            <option value="">{t("filters.allTags")}</option>
            {tagOptions.map((option) => (
              <option key={option.name} value={option.name}>
                {t("filters.tagOption", { name: option.name, count: option.count })}
              </option>
            ))}
          </select>
        </label>
        <label className="field wf-search">
          <span>{t("filters.search")}</span>
          <input
            type="search"
            value={search}
            placeholder={t("filters.searchPlaceholder")}
            onChange={(e) => setSearch(e.target.value)}
          />
        </label>
        {filtered && (
          <button type="button" className="wf-clear" onClick={() => {
            setSearch("");
            setParams(sort ? { sort } : {});
          }}>
            {t("filters.clear")}
          </button>
        )}
      </form>

      <div aria-live="polite" className="wf-notice">
        {actions.notice && <p className="hint">{actions.notice}</p>}
        {importer.notice && <p className="hint">{importer.notice}</p>}
        {outcome && <BulkOutcomeView outcome={outcome} />}
      </div>
      {canWrite && selected.size > 0 && (
        <BulkBar
          selected={selected}
          onClear={() => setSelected(new Map())}
          onDone={(done, clear) => {
            setOutcome(done);
            if (clear) setSelected(new Map());
          }}
        />
      )}
      {!!actions.error && <ErrorMessage error={actions.error} onRetry={actions.clearError} />}
      {!!importer.error && <ErrorMessage error={importer.error} />}

      {list.isPending ? (
        <Loading label={t("loading")} />
      ) : list.isError ? (
        <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <div className="card wf-empty">
          {page > 1 ? (
            <p>
              {t("emptyPage", { page })}{" "}
              <button type="button" className="link" onClick={() => update({ page: "" }, false)}>
                {t("firstPage")}
              </button>
            </p>
          ) : filtered ? (
            <p>{t("noMatch")}</p>
          ) : (
            <p>
              {t("noWorkflows")}{" "}
              {canWrite && <Link to="/workflows/new">{t("createFirst")}</Link>}
            </p>
          )}
        </div>
      ) : (
        <>
          <div className="wf-table-wrap" aria-busy={list.isFetching}>
            <table className="wf-table stack-table">
              <caption className="visually-hidden">{t("caption", { page: list.data.page, pages: list.data.pages })}</caption>
              <thead>
                <tr>
                  {canWrite && (
                    <th scope="col" className="wf-select">
                      <input
                        type="checkbox"
                        aria-label={t("selectAll")}
                        checked={allSelected}
                        ref={(box) => {
                          if (box) box.indeterminate = !allSelected && rows.some((wf) => selected.has(wf.id));
                        }}
                        onChange={toggleAll}
                      />
                    </th>
                  )}
                  {header("name")}
                  <th scope="col">{t("columns.status")}</th>
                  <th scope="col">{t("columns.trigger")}</th>
                  {header("execution_count")}
                  <th scope="col" title={t("successRateDefinition")}>{t("columns.successRate")}</th>
                  {header("last_executed_at")}
                  {canWrite && <th scope="col"><span className="visually-hidden">{t("columns.actions")}</span></th>}
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((wf) => (
                  <tr key={wf.id} className={selected.has(wf.id) ? "wf-selected" : undefined}>
                    {canWrite && (
                      <td className="wf-select">
                        <input
                          type="checkbox"
                          aria-label={t("select", { name: wf.name })}
                          checked={selected.has(wf.id)}
                          onChange={() => toggle(wf.id, wf.name)}
                        />
                      </td>
                    )}
                    <td data-label={t("columns.name")}>
                      <Link to={`/workflows/${wf.id}`}>{wf.name}</Link>
                      {wf.is_template && <span className="badge wf-template">{t("template")}</span>}
                      <TagChips tags={wf.tags ?? []} />
                    </td>
                    <td data-label={t("columns.status")}><StatusBadge status={wf.status} /></td>
                    <td data-label={t("columns.trigger")}>{triggerName(wf.trigger_type)}</td>
                    <td className="num" data-label={t("columns.executions")}>{wf.execution_count.toLocaleString(i18n.language)}</td>
                    <td className="num" data-label={t("columns.successRate")}>{formatPercent(wf.success_rate ?? null)}</td>
                    <td data-label={t("columns.lastRun")}>
                      {wf.last_executed_at ? (
                        <time dateTime={wf.last_executed_at} title={formatDateTime(wf.last_executed_at, i18n.language)}>
                          {formatRelative(wf.last_executed_at, undefined, i18n.language)}
                        </time>
                      ) : (
                        <span className="hint">{t("common:states.never")}</span>
                      )}
                    </td>
                    {canWrite && (
                      <td>
                        <WorkflowActionButtons
                          target={wf}
                          start={actions.start}
                          busy={actions.busy}
                          canWrite={canWrite}
                          withNames
                        />
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            page={list.data.page}
            pages={list.data.pages}
            total={list.data.total}
            onPage={(p) => update({ page: p > 1 ? String(p) : "" }, false)}
          />
        </>
      )}
      {actions.dialog}
    </section>
  );
}
