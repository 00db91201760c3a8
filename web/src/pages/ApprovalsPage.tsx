// The signed-in user's approval requests: what each is about, who decided, approve / reject.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { api, unwrap, type Schemas } from "../api/client";
import { useSession } from "../auth/session";
import { ErrorMessage, Loading, Pager } from "../components/common";
import { ApprovalCard } from "./approvals/ApprovalCard";
import { DecisionDialog, type Decision } from "./approvals/DecisionDialog";
import "./execution/execution.css";
import "./approvals/approvals.css";

type Item = Schemas["ApprovalListItem"];
type Status = "pending" | "approved" | "rejected" | "cancelled";

const VIEWS: { value: string; label: string; mine: boolean; status?: Status; admin?: boolean }[] = [
  { value: "mine", label: "Waiting for me", mine: true, status: "pending" },
  { value: "mine-approved", label: "Mine: approved", mine: true, status: "approved" },
  { value: "mine-rejected", label: "Mine: rejected", mine: true, status: "rejected" },
  { value: "mine-all", label: "Mine: all", mine: true },
  { value: "all-pending", label: "Everyone's: pending", mine: false, status: "pending", admin: true },
  { value: "all", label: "Everyone's: all", mine: false, admin: true },
];
const PAGE_SIZE = 20;

export default function ApprovalsPage() {
  const { user } = useSession();
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
          <h1>Approvals</h1>
          <p className="hint">Requests from workflow approval steps. Your decision wakes the waiting execution.</p>
        </div>
        <span className="spacer" />
        <div className="field inline-field">
          <label htmlFor={selectId}>
            <span className="field-label">Show</span>
          </label>
          <select id={selectId} value={view.value} onChange={(e) => update({ view: e.target.value, page: null })}>
            {views.map((v) => (
              <option key={v.value} value={v.value}>{v.label}</option>
            ))}
          </select>
        </div>
      </div>
      <p className="visually-hidden" role="status" aria-live="polite">{announcement}</p>
      {announcement && <p className="approvals-notice" aria-hidden="true">{announcement}</p>}

      {focusId !== null && focused.isError && <ErrorMessage error={focused.error} onRetry={() => void focused.refetch()} />}
      {focusedItem && (
        <section aria-label="Request from your notification" className="approvals-focused">
          <ApprovalCard
            item={{ ...focusedItem, approvers_count: focusedItem.approvers.filter((a) => a.active).length }}
            highlighted
            onDecide={(item, decision) => setDeciding({ item, decision })}
          />
        </section>
      )}

      {list.isPending ? (
        <Loading label="Loading approvals…" />
      ) : list.isError ? (
        <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <div className="card empty-state">
          <p><strong>{view.value === "mine" ? "Nothing waits for your approval." : "No approval requests here."}</strong></p>
          <p className="hint">{view.value === "mine" ? "When a workflow asks you to approve something, it shows up here and in your notifications." : "Try another filter."}</p>
        </div>
      ) : (
        <>
          <ul className="approval-list" aria-label={view.label}>
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
          setAnnouncement(`You ${decision === "approve" ? "approved" : "rejected"} “${result.name}”: it is now ${result.status}.`);
        }}
      />
    </div>
  );
}
