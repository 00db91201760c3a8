// The signed-in user's approval requests: what each is about, who decided, approve / reject.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router-dom";
import { api, unwrap, type Schemas } from "../api/client";
import { useSession } from "../auth/session";
import { ErrorMessage, Loading, Pager, statusText } from "../components/common";
import { ApprovalCard } from "./approvals/ApprovalCard";
import { DecisionDialog, type Decision } from "./approvals/DecisionDialog";
import "./execution/execution.css";
import "./approvals/approvals.css";

type Item = Schemas["ApprovalListItem"];
type Status = "pending" | "approved" | "rejected" | "cancelled";

type ViewLabel = "mine" | "mineApproved" | "mineRejected" | "mineAll" | "allPending" | "all";

const VIEWS: { value: string; label: ViewLabel; mine: boolean; status?: Status; admin?: boolean }[] = [
  { value: "mine", label: "mine", mine: true, status: "pending" },
  { value: "mine-approved", label: "mineApproved", mine: true, status: "approved" },
  { value: "mine-rejected", label: "mineRejected", mine: true, status: "rejected" },
  { value: "mine-all", label: "mineAll", mine: true },
  { value: "all-pending", label: "allPending", mine: false, status: "pending", admin: true },
  { value: "all", label: "all", mine: false, admin: true },
];
const PAGE_SIZE = 20;

export default function ApprovalsPage() {
  const { user } = useSession();
  const { t } = useTranslation("approvals");
  const isAdmin = user?.role === "admin";
  const [params, setParams] = useSearchParams();
  const views = VIEWS.filter((v) => !v.admin || isAdmin);
  const view = views.find((v) => v.value === params.get("view")) ?? views[0];
  const page = Math.max(1, Number(params.get("page")) || 1);
  const focusId = Number(params.get("id")) || null;
  const selectId = useId();

  const list = useQuery({
    queryKey: ["approvals", view.value, page],
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/approvals", {
          params: { query: { mine: view.mine, status: view.status, page, size: PAGE_SIZE } },
        }),
      ),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
  // A request opened from a notification (`/approvals?id=7`), shown on top whatever the filter.
  const focused = useQuery({
    queryKey: ["approvals", "focused", focusId],
    queryFn: () => unwrap(api.GET("/api/v1/approvals/{approval_id}", { params: { path: { approval_id: focusId! } } })),
    enabled: focusId !== null,
    retry: false,
  });

  const [deciding, setDeciding] = useState<{ item: Item; decision: Decision } | null>(null);
  const [announcement, setAnnouncement] = useState("");

  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    setParams(next);
  };

  const items = list.data?.items ?? [];
  const focusedItem = focused.data && !items.some((i) => i.id === focused.data.id) ? focused.data : null;

  return (
    <div className="approvals-page">
      <div className="approvals-top">
        <div>
          <h1>{t("title")}</h1>
          <p className="hint">{t("intro")}</p>
        </div>
        <span className="spacer" />
        <div className="field inline-field">
          <label htmlFor={selectId}>
            <span className="field-label">{t("show")}</span>
          </label>
          <select id={selectId} value={view.value} onChange={(e) => update({ view: e.target.value, page: null })}>
            {views.map((v) => (
              <option key={v.value} value={v.value}>{t(`views.${v.label}`)}</option>
            ))}
          </select>
        </div>
      </div>
      <p className="visually-hidden" role="status" aria-live="polite">{announcement}</p>
      {announcement && <p className="approvals-notice" aria-hidden="true">{announcement}</p>}

      {focusId !== null && focused.isError && <ErrorMessage error={focused.error} onRetry={() => void focused.refetch()} />}
      {focusedItem && (
        <section aria-label={t("focused")} className="approvals-focused">
          <ApprovalCard
            item={{ ...focusedItem, approvers_count: focusedItem.approvers.filter((a) => a.active).length }}
            highlighted
            onDecide={(item, decision) => setDeciding({ item, decision })}
          />
        </section>
      )}

      {list.isPending ? (
        <Loading label={t("loading")} />
      ) : list.isError ? (
        <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <div className="card empty-state">
          <p><strong>{view.value === "mine" ? t("empty.mine") : t("empty.other")}</strong></p>
          <p className="hint">{view.value === "mine" ? t("empty.mineHint") : t("empty.otherHint")}</p>
        </div>
      ) : (
        <>
          <ul className="approval-list" aria-label={t(`views.${view.label}`)}>
            {items.map((item) => (
              <li key={item.id}>
                <ApprovalCard
                  item={item}
                  highlighted={item.id === focusId}
                  onDecide={(it, decision) => setDeciding({ item: it, decision })}
                />
              </li>
            ))}
          </ul>
          {list.data.pages > 1 && (
            <Pager page={list.data.page} pages={list.data.pages} total={list.data.total} onPage={(p) => update({ page: String(p) })} />
          )}
        </>
      )}

      <DecisionDialog
        approval={deciding?.item ?? { id: 0, name: "" }}
        decision={deciding?.decision ?? null}
        onClose={() => setDeciding(null)}
        onDecided={(result, decision) => {
          setDeciding(null);
          const values = { name: result.name, status: statusText(result.status) };
          setAnnouncement(decision === "approve" ? t("announce.approved", values) : t("announce.rejected", values));
        }}
      />
    </div>
  );
}
