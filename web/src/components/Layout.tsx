// The frame of every signed-in page: navigation, the notification bell and the user menu.
import { NavLink, Outlet, useLocation } from "react-router-dom";
import { AccountMenu } from "../auth/AccountMenu";
import { NotificationBell } from "../notifications/NotificationBell";
import { PageErrorBoundary } from "./PageErrorBoundary";

export function Layout() {
  const { pathname } = useLocation();
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <NavLink to="/workflows" className="brand">
          crmflow
        </NavLink>
        <nav aria-label="Main">
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
