// The company's secrets: everyone sees names, descriptions and dates; admins add, replace and
// delete. A value goes to the server and never comes back: the value field is never filled in.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { useSearchParams } from "react-router-dom";
import { api, unwrap, type Schemas } from "../api/client";
import { useSession } from "../auth/session";
import { ConfirmDialog, ErrorMessage, Loading, Pager } from "../components/common";
import { formatDateTime } from "../format";
import { SecretDialog, usage } from "./secrets/SecretDialog";
import "./secrets/secrets.css";

type Secret = Schemas["SecretOut"];

const PAGE_SIZE = 50;

export default function SecretsPage() {
  const { user } = useSession();
  const { t, i18n: { language } } = useTranslation(["secrets", "common"]);
  const isAdmin = user?.role === "admin";
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get("page")) || 1);
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<Secret | "new" | null>(null);
  const [deleting, setDeleting] = useState<Secret | null>(null);
  const [announcement, setAnnouncement] = useState("");

  const list = useQuery({
    queryKey: ["secrets", page],
    queryFn: () => unwrap(api.GET("/api/v1/secrets", { params: { query: { page, size: PAGE_SIZE } } })),
    placeholderData: keepPreviousData,
  });
  const remove = useMutation({
    mutationFn: (name: string) => unwrap(api.DELETE("/api/v1/secrets/{name}", { params: { path: { name } } })),
    onSuccess: (_data, name) => {
      setDeleting(null);
      setAnnouncement(t("announce.deleted", { name }));
      void queryClient.invalidateQueries({ queryKey: ["secrets"] });
    },
  });

  const items = list.data?.items ?? [];
  return (
    <div className="secrets-page">
      <div className="secrets-top">
        <div>
          <h1>{t("title")}</h1>
          <p className="hint">
            <Trans t={t} i18nKey="intro" values={{ usage: usage("NAME") }} components={{ code: <code /> }} />
          </p>
        </div>
        <span className="spacer" />
        {isAdmin && (
          <button type="button" className="primary" onClick={() => setEditing("new")}>
            {t("add")}
          </button>
        )}
      </div>
      {!isAdmin && <p className="hint">{t("adminsOnly")}</p>}
      <p className="visually-hidden" role="status" aria-live="polite">{announcement}</p>
      {announcement && <p className="secrets-notice" aria-hidden="true">{announcement}</p>}

      {list.isPending ? (
        <Loading label={t("loading")} />
      ) : list.isError ? (
        <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <div className="card empty-state">
          <p><strong>{t("empty")}</strong></p>
          <p className="hint">{isAdmin ? t("emptyAdmin", { usage: usage("NAME") }) : t("emptyOther")}</p>
        </div>
      ) : (
        <>
          <table className="secrets-table stack-table">
            <caption className="visually-hidden">{t("table.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("table.name")}</th>
                <th scope="col">{t("table.description")}</th>
                <th scope="col">{t("table.updated")}</th>
                <th scope="col">{t("table.used")}</th>
                {isAdmin && <th scope="col"><span className="visually-hidden">{t("table.actions")}</span></th>}
              </tr>
            </thead>
            <tbody>
              {items.map((secret) => (
                <tr key={secret.id}>
                  <th scope="row"><code>{secret.name}</code></th>
                  <td data-label={t("table.description")}>{secret.description || <span className="hint">—</span>}</td>
                  <td data-label={t("table.updated")}>{formatDateTime(secret.updated_at, language)}</td>
                  <td data-label={t("table.used")}>
                    {secret.last_used_at ? formatDateTime(secret.last_used_at, language) : <span className="hint">{t("common:states.never")}</span>}
                  </td>
                  {isAdmin && (
                    <td className="secrets-actions">
                      <button type="button" onClick={() => setEditing(secret)} aria-label={t("table.replaceOf", { name: secret.name })}>
                        {t("table.replace")}
                      </button>
                      <button type="button" className="danger" onClick={() => setDeleting(secret)} aria-label={t("table.deleteOf", { name: secret.name })}>
                        {t("common:actions.delete")}
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
          {list.data.pages > 1 && (
            <Pager page={list.data.page} pages={list.data.pages} total={list.data.total} onPage={(p) => setParams({ page: String(p) })} />
          )}
        </>
      )}

      <SecretDialog
        secret={editing === "new" ? null : editing}
        open={editing !== null}
        onClose={() => setEditing(null)}
        onSaved={(saved, created) => {
          setEditing(null);
          setAnnouncement(t(created ? "announce.added" : "announce.updated", { name: saved.name }));
        }}
      />
      <ConfirmDialog
        open={deleting !== null}
        title={t("delete.title", { name: deleting?.name ?? "" })}
        confirmLabel={remove.isPending ? t("common:actions.deleting") : t("common:actions.delete")}
        danger
        onConfirm={() => deleting && remove.mutate(deleting.name)}
        onCancel={() => {
          setDeleting(null);
          remove.reset();
        }}
      >
        <p>
          <Trans t={t} i18nKey="delete.body" values={{ usage: usage(deleting?.name ?? "") }} components={{ code: <code /> }} />
        </p>
        {remove.isError && <ErrorMessage error={remove.error} />}
      </ConfirmDialog>
    </div>
  );
}
