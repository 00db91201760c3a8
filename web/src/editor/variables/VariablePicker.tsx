// A button that opens a searchable, grouped list of the variables a template can read; choosing
// one inserts `{{ path }}` at the cursor of the field.
import { useEffect, useId, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { groupLabel } from "./groupLabel";
import type { VariableGroup } from "./scope";
import "./variables.css";

interface Props {
  groups: VariableGroup[];
  /** The field's label, for the button's accessible name. */
  label?: string;
  onPick: (path: string) => void;
}

export function VariablePicker({ groups, label, onPick }: Props) {
  const { t } = useTranslation("variables");
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState("");
  const search = useRef<HTMLInputElement>(null);
  const panelId = useId();
  useEffect(() => {
    if (open) search.current?.focus();
  }, [open]);
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return groups
      .map((g) => ({
        ...g,
        title: groupLabel(g.key, t),
        variables: g.variables.filter((v) => !q || v.path.toLowerCase().includes(q) || v.label.toLowerCase().includes(q)),
      }))
      .filter((g) => g.variables.length > 0 || (q !== "" && g.title.toLowerCase().includes(q)));
  }, [groups, query, t]);
  const close = () => {
    setOpen(false);
    setQuery("");
  };
  return (
    <span className="variable-picker">
      <button
        type="button"
        className="link"
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        aria-label={label ? t("picker.openFor", { label }) : undefined}
        onClick={() => (open ? close() : setOpen(true))}
      >
        {"{{ }} "}
        {t("picker.open")}
      </button>
      {open && (
        <div
          id={panelId}
          className="variable-panel"
          role="dialog"
          aria-label={t("picker.title")}
          onKeyDown={(e) => {
            if (e.key === "Escape") {
              e.stopPropagation();
              close();
            }
          }}
        >
          <div className="row tight">
            <input
              ref={search}
              type="search"
              aria-label={t("picker.search")}
              placeholder={t("picker.search")}
              value={query}
              onChange={(e) => setQuery(e.target.value)}
            />
            <button type="button" className="link" onClick={close}>{t("picker.close")}</button>
          </div>
          {shown.length === 0 && <p className="hint">{t("picker.none", { query: query.trim() })}</p>}
          {shown.map((g) => (
            <section key={g.key} aria-label={g.title}>
              <h4>{g.title}</h4>
              <ul>
                {g.variables.map((v) => (
                  <li key={v.path}>
                    <button
                      type="button"
                      className="link"
                      aria-label={t("picker.insert", { path: v.path })}
                      onClick={() => {
                        onPick(v.path);
                        close();
                      }}
                    >
                      <code>{v.path}</code>
                    </button>
                    {/* The editor schema's label, in the request's language (a step's: its name). */}
                    {v.label && v.label !== v.path && <span className="hint"> {v.label}</span>}
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </div>
      )}
    </span>
  );
}
