import { render, screen } from "@testing-library/react";
import { vi } from "vitest";
import { PageErrorBoundary } from "./PageErrorBoundary";

function Broken({ message }: { message: string }): never {
  throw new Error(message);
}

describe("PageErrorBoundary", () => {
  it("shows what failed, with a reload button, instead of a blank app", () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    render(
      <PageErrorBoundary>
        <Broken message="cannot read properties of undefined" />
      </PageErrorBoundary>,
    );
    expect(screen.getByRole("alert")).toHaveTextContent("This page failed: cannot read properties of undefined");
    expect(screen.getByRole("button", { name: "Reload" })).toBeInTheDocument();
    logged.mockRestore();
  });

  it("explains a chunk that vanished after a deploy", () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    render(
      <PageErrorBoundary>
        <Broken message="Failed to fetch dynamically imported module: /assets/WorkflowsPage-x.js" />
      </PageErrorBoundary>,
    );
    expect(screen.getByRole("alert")).toHaveTextContent("the app was probably updated");
    logged.mockRestore();
  });

  it("renders its children when nothing throws", () => {
    render(
      <PageErrorBoundary>
        <p>fine</p>
      </PageErrorBoundary>,
    );
    expect(screen.getByText("fine")).toBeInTheDocument();
  });
});
