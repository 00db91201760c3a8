// The frame of every signed-in page: navigation, the notification bell and the user menu.
// On narrow screens the navigation folds behind a "Menu" button; the bell and account stay in the bar.
import { useEffect, useRef, useState } from "react";
import { NavLink, Outlet, useLocation } from "react-router-dom";
import { AccountMenu } from "../auth/AccountMenu";
import { NotificationBell } from "../notifications/NotificationBell";
import { PageErrorBoundary } from "./PageErrorBoundary";

const NAV_ID = "main-nav";

export function Layout() {
  const { pathname } = useLocation();
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
        Skip to content
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
          <span aria-hidden="true">☰</span> Menu
        </button>
        <NavLink to="/workflows" className="brand">
          crmflow
        </NavLink>
        <nav id={NAV_ID} aria-label="Main" className={menuOpen ? "open" : undefined}>
          <NavLink to="/workflows">Workflows</NavLink>
          <NavLink to="/blueprints">Blueprints</NavLink>
          <NavLink to="/runs">All runs</NavLink>
          <NavLink to="/operations">Operations</NavLink>
          <NavLink to="/approvals">Approvals</NavLink>
          <NavLink to="/suggestions">Suggestions</NavLink>
          <NavLink to="/secrets">Secrets</NavLink>
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
