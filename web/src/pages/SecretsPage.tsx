// The company's secrets: everyone sees names, descriptions and dates; admins add, replace and
// delete. A value goes to the server and never comes back: the value field is never filled in.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useSearchParams } from "react-router-dom";
import { api, unwrap, type Schemas } from "../api/client";
import { useSession } from "../auth/session";
import { ConfirmDialog, ErrorMessage, Loading, Pager } from "../components/common";
import { formatDateTime } from "../format";
import { SecretDialog } from "./secrets/SecretDialog";
import "./secrets/secrets.css";

type Secret = Schemas["SecretOut"];

const PAGE_SIZE = 50;

export default function SecretsPage() {
  const { user } = useSession();
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
      setAnnouncement(`Secret ${name} deleted. Steps that use it now fail until it is added again.`);
      void queryClient.invalidateQueries({ queryKey: ["secrets"] });
    },
  });

  const items = list.data?.items ?? [];
  return (
    <div className="secrets-page">
      <div className="secrets-top">
        <div>
          <h1>Secrets</h1>
          <p className="hint">
            API tokens and passwords that webhook steps send, written as <code>{"{{ secrets.NAME }}"}</code> in a
            header, the URL or the body. Values are encrypted and never shown again, to anyone; step records show
            them as <code>********</code>.
          </p>
        </div>
        <span className="spacer" />
        {isAdmin && (
          <button type="button" className="primary" onClick={() => setEditing("new")}>
            Add a secret
          </button>
        )}
      </div>
      {!isAdmin && <p className="hint">Only admins can add, replace or delete secrets.</p>}
      <p className="visually-hidden" role="status" aria-live="polite">{announcement}</p>
      {announcement && <p className="secrets-notice" aria-hidden="true">{announcement}</p>}

      {list.isPending ? (
        <Loading label="Loading secrets…" />
      ) : list.isError ? (
        <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <div className="card empty-state">
          <p><strong>No secrets yet.</strong></p>
          <p className="hint">{isAdmin ? "Add one, then use it in a webhook step as {{ secrets.NAME }}." : "Ask an admin to add the credentials your webhooks need."}</p>
        </div>
      ) : (
        <>
          <table className="secrets-table stack-table">
            <caption className="visually-hidden">Secrets of your company</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Description</th>
                <th scope="col">Last updated</th>
                <th scope="col">Last used by a run</th>
                {isAdmin && <th scope="col"><span className="visually-hidden">Actions</span></th>}
              </tr>
            </thead>
            <tbody>
              {items.map((secret) => (
                <tr key={secret.id}>
                  <th scope="row"><code>{secret.name}</code></th>
                  <td data-label="Description">{secret.description || <span className="hint">—</span>}</td>
                  <td data-label="Last updated">{formatDateTime(secret.updated_at)}</td>
                  <td data-label="Last used by a run">{secret.last_used_at ? formatDateTime(secret.last_used_at) : <span className="hint">never</span>}</td>
                  {isAdmin && (
                    <td className="secrets-actions">
                      <button type="button" onClick={() => setEditing(secret)} aria-label={`Replace value of ${secret.name}`}>
                        Replace value
                      </button>
                      <button type="button" className="danger" onClick={() => setDeleting(secret)} aria-label={`Delete ${secret.name}`}>
                        Delete
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
          setAnnouncement(created ? `Secret ${saved.name} added.` : `Secret ${saved.name} updated.`);
        }}
      />
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete the secret ${deleting?.name ?? ""}?`}
        confirmLabel={remove.isPending ? "Deleting…" : "Delete"}
        danger
        onConfirm={() => deleting && remove.mutate(deleting.name)}
        onCancel={() => {
          setDeleting(null);
          remove.reset();
        }}
      >
        <p>Steps that use <code>{`{{ secrets.${deleting?.name ?? ""} }}`}</code> will fail until a secret with this name is added again. The value cannot be recovered.</p>
        {remove.isError && <ErrorMessage error={remove.error} />}
      </ConfirmDialog>
    </div>
  );
}
