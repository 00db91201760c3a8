// Routes of the app; every page but sign-in needs a session.
import { Suspense, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { createBrowserRouter, matchRoutes, Navigate, Route, RouterProvider, Routes } from "react-router-dom";
import { SignInPage } from "./auth/SignInPage";
import { useSession } from "./auth/session";
import { Layout } from "./components/Layout";
import { Loading } from "./components/common";
import { lazyWithPreload, type PreloadableComponent } from "./lazyWithPreload";

// Pages load on demand so the first screen ships only what it shows.
const WorkflowsPage = lazyWithPreload(() => import("./pages/WorkflowsPage"));
const WorkflowDetailPage = lazyWithPreload(() => import("./pages/WorkflowDetailPage"));
const WorkflowEditorPage = lazyWithPreload(() => import("./editor/WorkflowEditorPage"));
const ExecutionPage = lazyWithPreload(() => import("./pages/ExecutionPage"));
const ApprovalsPage = lazyWithPreload(() => import("./pages/ApprovalsPage"));
const SecretsPage = lazyWithPreload(() => import("./pages/SecretsPage"));
const RunsPage = lazyWithPreload(() => import("./pages/RunsPage"));
const OperationsPage = lazyWithPreload(() => import("./pages/OperationsPage"));
const BlueprintsPage = lazyWithPreload(() => import("./pages/blueprints/BlueprintsPage"));
const SuggestionsPage = lazyWithPreload(() => import("./pages/suggestions/SuggestionsPage"));

// The signed-in pages; "/" leads to the workflows. One table serves the routes and the preload.
const PAGES: { path: string; Page: PreloadableComponent<object> }[] = [
  { path: "/", Page: WorkflowsPage },
  { path: "workflows", Page: WorkflowsPage },
  { path: "workflows/new", Page: WorkflowEditorPage },
  { path: "workflows/:workflowId/edit", Page: WorkflowEditorPage },
  { path: "workflows/:workflowId", Page: WorkflowDetailPage },
  { path: "workflows/:workflowId/executions/:executionId", Page: ExecutionPage },
  { path: "blueprints", Page: BlueprintsPage },
  { path: "runs", Page: RunsPage },
  { path: "operations", Page: OperationsPage },
  { path: "approvals", Page: ApprovalsPage },
  { path: "suggestions", Page: SuggestionsPage },
  { path: "suggestions/:suggestionId", Page: SuggestionsPage },
  { path: "secrets", Page: SecretsPage },
];

/** Fetch the chunk of the page `path` opens, then, once idle, the other pages' chunks. */
export function preloadPages(path: string): Promise<void> {
  const match = matchRoutes(PAGES, path)?.[0]?.route;
  const current = match ? match.Page.preload() : Promise.resolve();
  void current.then(() => {
    setTimeout(() => PAGES.forEach(({ Page }) => void Page.preload()), 1500);
  });
  return current;
}

function SignedInRoutes() {
  return (
    <Suspense fallback={<Loading />}>
      <Routes>
        <Route element={<Layout />}>
          <Route index element={<Navigate to="/workflows" replace />} />
          {PAGES.filter(({ path }) => path !== "/").map(({ path, Page }) => (
            <Route key={path} path={path} element={<Page />} />
          ))}
          <Route path="*" element={<PageMissing />} />
        </Route>
      </Routes>
    </Suspense>
  );
}

function PageMissing() {
  const { t } = useTranslation();
  return <p role="alert">{t("errors.pageMissing")}</p>;
}

function Root() {
  const { signedIn, user, loading } = useSession();
  // Signed in: the page's chunk downloads while the session is checked, not after.
  useEffect(() => {
    if (signedIn) void preloadPages(window.location.pathname);
  }, [signedIn]);
  return !signedIn ? <SignInPage /> : loading || !user ? <Loading /> : <SignedInRoutes />;
}

export function App() {
  // A data router, so a page can hold a navigation back (the editor's unsaved-changes guard); the
  // routes themselves stay the nested <Routes> above, under one catch-all route.
  const [router] = useState(() => createBrowserRouter([{ path: "*", element: <Root /> }]));
  return <RouterProvider router={router} />;
}
