// Routes of the app; every page but sign-in needs a session.
import { lazy, Suspense } from "react";
import { BrowserRouter, Navigate, Route, Routes } from "react-router-dom";
import { SignInPage } from "./auth/SignInPage";
import { useSession } from "./auth/session";
import { Layout } from "./components/Layout";
import { Loading } from "./components/common";

// Pages load on demand so the first screen ships only what it shows.
const WorkflowsPage = lazy(() => import("./pages/WorkflowsPage"));
const WorkflowDetailPage = lazy(() => import("./pages/WorkflowDetailPage"));
const WorkflowEditorPage = lazy(() => import("./editor/WorkflowEditorPage"));
const ExecutionPage = lazy(() => import("./pages/ExecutionPage"));
const ApprovalsPage = lazy(() => import("./pages/ApprovalsPage"));

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
  return (
    <BrowserRouter>
      {token === null ? <SignInPage /> : loading || !user ? <Loading /> : <SignedInRoutes />}
    </BrowserRouter>
  );
}
