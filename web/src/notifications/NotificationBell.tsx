// The top bar's bell: the unread count (live over the WebSocket, else polled) and a panel of
// recent notifications to read and mark read.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router-dom";
import { api, unwrap } from "../api/client";
import { useSession } from "../auth/session";
import i18n from "../i18n";
import { ErrorMessage, Loading } from "../components/common";
import { formatDateTime, formatRelative } from "../format";
import { useNotificationSocket, type LiveMessage, type Notification } from "./useNotificationSocket";
import "./notifications.css";

/** Poll the count this often while the socket is not open. */
export const POLL_COUNT_MS = 30_000;
const LIST_SIZE = 15;
const COUNT_KEY = ["notifications", "unread-count"];
const LIST_KEY = ["notifications", "list"];

type ListPage = { items: Notification[]; total: number; page: number; size: number; pages: number };

/** Where a notification's link goes inside the app (`/approvals/7` opens the approvals page on it). */
export function appPath(link: string | null | undefined): string | null {
  if (!link) return null;
  let path: string;
  try {
    // Relative links, and absolute ones to this app's public URL: keep the path.
    const url = new URL(link, location.origin);
    path = url.pathname + url.search;
  } catch {
    return null;
  }
  const approval = /^\/approvals\/(\d+)$/.exec(path);
  return approval ? `/approvals?id=${approval[1]}` : path;
}

export function bellLabel(count: number): string {
  return count === 0 ? i18n.t("notifications:bell.none") : i18n.t("notifications:bell.unread", { count });
}

export function NotificationBell() {
  const { signedIn } = useSession();
  const { t, i18n: { language } } = useTranslation("notifications");
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [announcement, setAnnouncement] = useState("");
  const bellRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  const panelId = useId();
  const titleId = useId();

  const onMessage = useCallback(
    (message: LiveMessage) => {
      if (message.type === "hello") {
        queryClient.setQueryData(COUNT_KEY, { count: message.unread_count });
        // After a (re)connect, catch up on what was pushed while away.
        void queryClient.invalidateQueries({ queryKey: LIST_KEY });
      } else if (message.type === "notification") {
        const n = message.notification;
        queryClient.setQueryData<{ count: number }>(COUNT_KEY, (prev) => ({
          count: typeof message.unread_count === "number" ? message.unread_count : (prev?.count ?? 0) + 1,
        }));
        queryClient.setQueryData<ListPage>(LIST_KEY, (prev) =>
          prev
            ? { ...prev, items: [n, ...prev.items.filter((x) => x.id !== n.id)].slice(0, LIST_SIZE), total: prev.total + 1 }
            : prev,
        );
        setAnnouncement(i18n.t("notifications:announce.new", { title: n.title }));
      }
    },
    [queryClient],
  );
  const connected = useNotificationSocket(signedIn, onMessage);

  const count = useQuery({
    queryKey: COUNT_KEY,
    queryFn: () => unwrap(api.GET("/api/v1/notifications/unread-count")),
    refetchInterval: connected ? false : POLL_COUNT_MS,
    enabled: signedIn,
  });
  const list = useQuery({
    queryKey: LIST_KEY,
    queryFn: () => unwrap(api.GET("/api/v1/notifications", { params: { query: { page: 1, size: LIST_SIZE } } })) as Promise<ListPage>,
    enabled: open,
    staleTime: 0,
  });

  const markRead = useMutation({
    mutationFn: (id: number) =>
      unwrap(api.POST("/api/v1/notifications/{notification_id}/read", { params: { path: { notification_id: id } } })),
    onSuccess: (_data, id) => {
      let changed = false;
      queryClient.setQueryData<ListPage>(LIST_KEY, (prev) =>
        prev
          ? {
              ...prev,
              items: prev.items.map((x) => {
                if (x.id !== id || x.read_at) return x;
                changed = true;
                return { ...x, read_at: new Date().toISOString() };
              }),
            }
          : prev,
      );
      if (changed) queryClient.setQueryData<{ count: number }>(COUNT_KEY, (prev) => ({ count: Math.max(0, (prev?.count ?? 1) - 1) }));
      void queryClient.invalidateQueries({ queryKey: COUNT_KEY });
    },
  });
  const markAll = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/notifications/read-all")),
    onSuccess: () => {
      const now = new Date().toISOString();
      queryClient.setQueryData<ListPage>(LIST_KEY, (prev) =>
        prev ? { ...prev, items: prev.items.map((x) => (x.read_at ? x : { ...x, read_at: now })) } : prev,
      );
      queryClient.setQueryData(COUNT_KEY, { count: 0 });
      setAnnouncement(t("announce.allRead"));
    },
  });

  const close = useCallback((returnFocus: boolean) => {
    setOpen(false);
    if (returnFocus) bellRef.current?.focus();
  }, []);

  useEffect(() => {
    if (!open) return;
    panelRef.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        e.preventDefault();
        close(true);
      }
    };
    const onPointer = (e: MouseEvent) => {
      if (wrapRef.current && !wrapRef.current.contains(e.target as Node)) close(false);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("mousedown", onPointer);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("mousedown", onPointer);
    };
  }, [open, close]);

  const unread = count.data?.count ?? 0;
  const items = list.data?.items ?? [];

  const follow = (n: Notification) => {
    const path = appPath(n.link);
    if (!n.read_at) markRead.mutate(n.id);
    if (path) {
      close(false);
      navigate(path);
    }
  };

  return (
    <div
      className="bell-wrap"
      ref={wrapRef}
      onBlur={(e) => {
        // Tabbing out of the bell and its panel closes the panel.
        const next = e.relatedTarget as Node | null;
        if (open && next && wrapRef.current && !wrapRef.current.contains(next)) close(false);
      }}
    >
      <button
        ref={bellRef}
        type="button"
        className="bell"
        aria-label={bellLabel(unread)}
        aria-expanded={open}
        aria-controls={panelId}
        aria-haspopup="dialog"
        title={connected ? t("bell.live") : t("title")}
        onClick={() => (open ? close(false) : setOpen(true))}
      >
        <svg aria-hidden="true" width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
          <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
          <path d="M13.73 21a2 2 0 0 1-3.46 0" />
        </svg>
        {unread > 0 && (
          <span className="bell-count" aria-hidden="true">
            {unread > 99 ? "99+" : unread}
          </span>
        )}
      </button>
      <span className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </span>
      <div
        id={panelId}
        ref={panelRef}
        className="bell-panel"
        role="dialog"
        aria-labelledby={titleId}
        tabIndex={-1}
        hidden={!open}
      >
        {open && (
          <>
            <div className="bell-panel-head">
              <h2 id={titleId}>{t("title")}</h2>
              <span className={`bell-live ${connected ? "on" : ""}`}>{connected ? t("panel.live") : t("panel.polled")}</span>
              <span className="spacer" />
              <button type="button" className="link" disabled={unread === 0 || markAll.isPending} onClick={() => markAll.mutate()}>
                {t("panel.markAll")}
              </button>
              <button type="button" className="bell-close" aria-label={t("panel.close")} onClick={() => close(true)}>
                ×
              </button>
            </div>
            {markAll.isError && <ErrorMessage error={markAll.error} />}
            {markRead.isError && <ErrorMessage error={markRead.error} />}
            {list.isPending ? (
              <Loading label={t("panel.loading")} />
            ) : list.isError ? (
              <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
            ) : items.length === 0 ? (
              <p className="bell-empty">{t("panel.empty")}</p>
            ) : (
              <ul className="bell-list" aria-label={t("panel.recent")}>
                {items.map((n) => (
                  <li key={n.id} className={`bell-item level-${n.level}${n.read_at ? "" : " unread"}`}>
                    <span className={`bell-level level-${n.level}`}>{t(`level.${n.level}`)}</span>
                    <div className="bell-item-body">
                      <p className="bell-title">
                        {!n.read_at && <span className="visually-hidden">{t("panel.unread")}</span>}
                        {appPath(n.link) ? (
                          <a
                            href={appPath(n.link)!}
                            onClick={(e) => {
                              e.preventDefault();
                              follow(n);
                            }}
                          >
                            {n.title}
                          </a>
                        ) : (
                          n.title
                        )}
                      </p>
                      {n.message && n.message !== n.title && <p className="bell-message">{n.message}</p>}
                      <p className="bell-time" title={formatDateTime(n.created_at, language)}>
                        {formatRelative(n.created_at, new Date(), language)}
                      </p>
                    </div>
                    {!n.read_at && (
                      <button
                        type="button"
                        className="bell-read"
                        aria-label={t("panel.markOneRead", { title: n.title })}
                        title={t("panel.markRead")}
                        disabled={markRead.isPending && markRead.variables === n.id}
                        onClick={() => markRead.mutate(n.id)}
                      >
                        <span aria-hidden="true">✓</span>
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </div>
    </div>
  );
}
