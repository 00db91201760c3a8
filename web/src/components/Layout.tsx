// The frame of every signed-in page: navigation, the notification bell and the user menu.
// On narrow screens the navigation folds behind a "Menu" button; the bell and sign-out stay in the bar.
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { NavLink, Outlet, useLocation } from "react-router-dom";
import { AccountMenu } from "../auth/AccountMenu";
import { NotificationBell } from "../notifications/NotificationBell";
import { PageErrorBoundary } from "./PageErrorBoundary";

const NAV_ID = "main-nav";

export function Layout() {
  const { pathname } = useLocation();
  const { t } = useTranslation();
  const [menuOpen, setMenuOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);

  // Following a link closes the menu: the page it opens should not sit under it.
  useEffect(() => setMenuOpen(false), [pathname]);
  useEffect(() => {
    if (!menuOpen) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setMenuOpen(false);
      menuButton.current?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [menuOpen]);

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t("nav.skipToContent")}
      </a>
      <header className="topbar">
        <button
          ref={menuButton}
          type="button"
          className="menu-button"
          aria-expanded={menuOpen}
          aria-controls={NAV_ID}
          onClick={() => setMenuOpen((open) => !open)}
        >
          <span aria-hidden="true">☰</span> {t("nav.menu")}
        </button>
        <NavLink to="/workflows" className="brand">
          {t("appName")}
        </NavLink>
        <nav id={NAV_ID} aria-label={t("nav.main")} className={menuOpen ? "open" : undefined}>
          <NavLink to="/workflows">{t("nav.workflows")}</NavLink>
          <NavLink to="/blueprints">{t("nav.blueprints")}</NavLink>
          <NavLink to="/runs">{t("nav.allRuns")}</NavLink>
          <NavLink to="/operations">{t("nav.operations")}</NavLink>
          <NavLink to="/approvals">{t("nav.approvals")}</NavLink>
          <NavLink to="/suggestions">{t("nav.suggestions")}</NavLink>
          <NavLink to="/secrets">{t("nav.secrets")}</NavLink>
        </nav>
        <div className="topbar-right">
          <NotificationBell />
          <AccountMenu />
        </div>
      </header>
      <main id="main" className="content" tabIndex={-1}>
        {/* A new page starts with a fresh boundary: an error stays with the page that threw it. */}
        <PageErrorBoundary key={pathname}>
          <Outlet />
        </PageErrorBoundary>
      </main>
    </div>
  );
}
