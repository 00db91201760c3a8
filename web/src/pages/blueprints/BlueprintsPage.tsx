// /blueprints: the catalog of blueprints (ready-made workflows with typed inputs), searchable and
// filtered by type, beside the one opened. Search, type, page and the open one live in the URL.
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router-dom";
import { useSession } from "../../auth/session";
import { ErrorMessage, Loading, Pager } from "../../components/common";
import { intParam } from "../workflows/labels";
import { useBlueprint, useBlueprintList, useBlueprintTypes } from "./blueprintApi";
import { BlueprintDetail } from "./BlueprintDetail";
import { ImportRefusalMessage, useBlueprintImport } from "./blueprintTransfer";
import { triggerText } from "./describe";
import { inputsOf, versionsOf, type Blueprint } from "./types";
import "./blueprints.css";

function BlueprintCard({ blueprint: bp, selected, href }: { blueprint: Blueprint; selected: boolean; href: string }) {
  const { t } = useTranslation("blueprints");
  const inputs = inputsOf(bp);
  const count = Object.keys(inputs.properties).length;
  return (
    <li className={`card bp-card${selected ? " selected" : ""}`}>
      <div className="row tight bp-card-head">
        <h2 className="bp-card-title">
          <Link to={href} aria-current={selected ? "true" : undefined}>{bp.name}</Link>
        </h2>
        <span className="badge bp-version" title={versionsOf(bp).length > 1 ? t("card.versionsInstalled", { count: versionsOf(bp).length }) : undefined}>
          v{bp.version}
        </span>
        {bp.builtin && <span className="badge bp-builtin">{t("card.builtin")}</span>}
      </div>
      <p className="hint">
        {bp.template_type.replace(/_/g, " ")}{bp.author ? ` · ${bp.author}` : ""}
        {versionsOf(bp).length > 1 ? t("card.versions", { count: versionsOf(bp).length }) : ""}
      </p>
      {bp.description && <p className="bp-card-description">{bp.description}</p>}
      <p className="bp-card-facts">
        <span>{triggerText(bp.trigger_type, bp.trigger_config, inputs)}</span>
        <span className="hint"> · {count === 0 ? t("card.noInputs") : t("card.inputs", { count })}</span>
      </p>
    </li>
  );
}

export default function BlueprintsPage() {
  const { t } = useTranslation("blueprints");
  const { user } = useSession();
  const canWrite = !!user && user.role !== "viewer";
  const [params, setParams] = useSearchParams();
  const search = params.get("search") ?? "";
  const type = params.get("type") ?? "";
  const page = intParam(params.get("page"), 1);
  const openId = intParam(params.get("id"), 0) || null;
  const [notice, setNotice] = useState<string | null>(null);

  function update(changes: Record<string, string>, { resetPage = true, replace = false } = {}) {
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      for (const [key, value] of Object.entries(changes)) {
        if (value) next.set(key, value);
        else next.delete(key);
      }
      if (resetPage && !("page" in changes)) next.delete("page");
      return next;
    }, { replace });
  }
  const hrefFor = (id: number) => {
    const next = new URLSearchParams(params);
    next.set("id", String(id));
    return `?${next.toString()}`;
  };

  // The search box updates the URL (and the query) 300 ms after the last keystroke.
  const [text, setText] = useState(search);
  useEffect(() => setText(search), [search]);
  useEffect(() => {
    if (text.trim() === search) return;
    const timer = setTimeout(() => update({ search: text.trim() }, { replace: true }), 300);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text]);

  const list = useBlueprintList({ search, type, page });
  const types = useBlueprintTypes(list.isSuccess);
  // The open version's name marks its card, whichever version is open.
  const open = useBlueprint(openId);
  const importer = useBlueprintImport((bp) => {
    setNotice(t("imported", { name: bp.name, version: bp.version }));
    update({ id: String(bp.id), search: "", type: "" });
  });
  const filtered = !!(search || type);

  return (
    <section className="bp-page" aria-labelledby="bp-title">
      <div className="row bp-head">
        <h1 id="bp-title">{t("title")}</h1>
        <span className="spacer" />
        {canWrite && (
          <>
            <button type="button" onClick={() => { setNotice(null); importer.pick(); }} disabled={importer.busy}>
              {importer.busy ? t("importing") : t("import")}
            </button>
            {importer.fileInput}
          </>
        )}
      </div>
      <p className="hint bp-intro">{t("intro")}</p>

      <form className="row bp-filters" role="search" aria-label={t("filters")} onSubmit={(e) => {
        e.preventDefault();
        update({ search: text.trim() });
      }}>
        <label className="field bp-search">
          <span>{t("search")}</span>
          <input type="search" value={text} placeholder={t("searchPlaceholder")} onChange={(e) => setText(e.target.value)} />
        </label>
        <label className="field">
          <span>{t("type")}</span>
          <select value={type} onChange={(e) => update({ type: e.target.value })}>
            <option value="">{t("allTypes")}</option>
            {[...new Set([...(types.data ?? []), ...(type ? [type] : [])])].map((each) => (
              <option key={each} value={each}>{each.replace(/_/g, " ")}</option>
            ))}
          </select>
        </label>
        {filtered && (
          <button type="button" onClick={() => { setText(""); update({ search: "", type: "" }); }}>{t("clearFilters")}</button>
        )}
      </form>

      <div aria-live="polite">{notice && <p className="hint bp-notice">{notice}</p>}</div>
      {importer.refusal && <ImportRefusalMessage refusal={importer.refusal} onClose={importer.clear} />}

      <div className={`bp-layout${openId ? " with-detail" : ""}`}>
        <div className="bp-catalog" aria-busy={list.isFetching && !list.isPending}>
          {list.isPending ? (
            <Loading label={t("loading")} />
          ) : list.isError ? (
            <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
          ) : list.data.items.length === 0 ? (
            <div className="card">
              {page > 1 ? (
                <p>{t("emptyPage", { page })} <button type="button" className="link" onClick={() => update({ page: "" }, { resetPage: false })}>{t("firstPage")}</button></p>
              ) : filtered ? (
                <p>{t("noMatch")}</p>
              ) : (
                <p>{canWrite ? t("noneWriter") : t("none")}</p>
              )}
            </div>
          ) : (
            <>
              <ul className="bp-cards" aria-label={t("title")}>
                {list.data.items.map((bp) => (
                  <BlueprintCard key={bp.id} blueprint={bp} selected={bp.id === openId || bp.name === open.data?.name} href={hrefFor(bp.id)} />
                ))}
              </ul>
              {list.data.pages > 1 && (
                <Pager page={list.data.page} pages={list.data.pages} total={list.data.total}
                  onPage={(p) => update({ page: p > 1 ? String(p) : "" }, { resetPage: false })} />
              )}
            </>
          )}
        </div>
        {openId && (
          <div className="bp-detail-pane">
            <BlueprintDetail
              key={openId}
              id={openId}
              canWrite={canWrite}
              onSelect={(id) => update({ id: String(id) }, { resetPage: false })}
              onDeleted={(bp) => {
                setNotice(t(bp.builtin ? "archived" : "deleted", { name: bp.name, version: bp.version }));
                update({ id: "" }, { resetPage: false });
              }}
            />
          </div>
        )}
      </div>
    </section>
  );
}
