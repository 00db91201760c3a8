// Routes of the app; every page but sign-in needs a session.
import { Suspense, useEffect } from "react";
import { BrowserRouter, Navigate, Route, Routes } from "react-router-dom";
import { SignInPage } from "./auth/SignInPage";
import { useSession } from "./auth/session";
import { Layout } from "./components/Layout";
import { Loading } from "./components/common";
import { lazyWithPreload } from "./lazyWithPreload";

// Pages load on demand so the first screen ships only what it shows.
const WorkflowsPage = lazyWithPreload(() => import("./pages/WorkflowsPage"));
const WorkflowDetailPage = lazyWithPreload(() => import("./pages/WorkflowDetailPage"));
const WorkflowEditorPage = lazyWithPreload(() => import("./editor/WorkflowEditorPage"));
const ExecutionPage = lazyWithPreload(() => import("./pages/ExecutionPage"));
const ApprovalsPage = lazyWithPreload(() => import("./pages/ApprovalsPage"));

// Which page a path opens, most specific first (mirrors the routes below).
const PAGE_FOR_PATH: [RegExp, { preload: () => Promise<void> }][] = [
  [/^\/workflows\/(new|[^/]+\/edit)\/?$/, WorkflowEditorPage],
  [/^\/workflows\/[^/]+\/executions\//, ExecutionPage],
  [/^\/workflows\/[^/]+\/?$/, WorkflowDetailPage],
  [/^\/approvals\/?$/, ApprovalsPage],
  [/^\/(workflows\/?)?$/, WorkflowsPage],
];

/** Fetch the chunk of the page `path` opens, then, once idle, the other pages' chunks. */
export function preloadPages(path: string): Promise<void> {
  const first = PAGE_FOR_PATH.find(([pattern]) => pattern.test(path))?.[1];
  const current = first ? first.preload() : Promise.resolve();
  void current.then(() => {
    setTimeout(() => PAGE_FOR_PATH.forEach(([, page]) => void page.preload()), 1500);
  });
  return current;
}

function SignedInRoutes() {
  return (
    <Suspense fallback={<Loading />}>
      <Routes>
        <Route element={<Layout />}>
          <Route index element={<Navigate to="/workflows" replace />} />
          <Route path="workflows" element={<WorkflowsPage />} />
          <Route path="workflows/new" element={<WorkflowEditorPage />} />
          <Route path="workflows/:workflowId/edit" element={<WorkflowEditorPage />} />
          <Route path="workflows/:workflowId" element={<WorkflowDetailPage />} />
          <Route
            path="workflows/:workflowId/executions/:executionId"
            element={<ExecutionPage />}
          />
          <Route path="approvals" element={<ApprovalsPage />} />
          <Route path="*" element={<p role="alert">This page does not exist.</p>} />
        </Route>
      </Routes>
    </Suspense>
  );
}

export function App() {
  const { token, user, loading } = useSession();
  // Signed in: the page's chunk downloads while the session is checked, not after.
  useEffect(() => {
    if (token !== null) void preloadPages(window.location.pathname);
  }, [token]);
  return (
    <BrowserRouter>
      {token === null ? <SignInPage /> : loading || !user ? <Loading /> : <SignedInRoutes />}
    </BrowserRouter>
  );
}
