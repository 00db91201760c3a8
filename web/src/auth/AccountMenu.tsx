// The top bar's account controls: "Sign out" for this browser, and behind the user's name the
// account panel with the interface language and "Sign out everywhere" (every browser and tab the
// user is signed in on). The language sits in the panel so the bar keeps its width, phones included.
import { useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { LanguageSelect } from "../i18n/LanguageSelect";
import { useSession } from "./session";
import "./account.css";

export function AccountMenu() {
  const { user, signOut, signOutEverywhere } = useSession();
  const { t } = useTranslation("auth");
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const wrapRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelId = useId();
  const name = user?.name || user?.email || "";

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setOpen(false);
      buttonRef.current?.focus();
    };
    const onPointer = (e: MouseEvent) => {
      if (wrapRef.current && !wrapRef.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("mousedown", onPointer);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("mousedown", onPointer);
    };
  }, [open]);

  const run = (action: () => Promise<void>) => {
    setBusy(true);
    void action().finally(() => setBusy(false));
  };

  return (
    <>
      <div className="account" ref={wrapRef}>
        <button
          ref={buttonRef}
          type="button"
          className="account-button"
          aria-label={t("account.button", { name })}
          aria-expanded={open}
          aria-controls={panelId}
          title={user?.email}
          onClick={() => setOpen((was) => !was)}
        >
          <span className="account-name">{name}</span> <span aria-hidden="true">▾</span>
        </button>
        {open && (
          <div id={panelId} className="account-panel card" role="group" aria-label={t("account.panel")}>
            <p>
              <strong>{user?.name}</strong>
              <br />
              <span className="hint">{user?.email}</span>
            </p>
            <LanguageSelect signedIn />
            <button type="button" disabled={busy} onClick={() => run(signOutEverywhere)}>
              {t("actions.signOutEverywhere", { ns: "common" })}
            </button>
            <p className="hint">{t("account.everywhereHint")}</p>
          </div>
        )}
      </div>
      <button type="button" disabled={busy} onClick={() => run(signOut)}>
        {t("actions.signOut", { ns: "common" })}
      </button>
    </>
  );
}
