import { render, screen } from "@testing-library/react";
import { Suspense } from "react";
import { lazyWithPreload } from "./lazyWithPreload";

function Hello({ name }: { name: string }) {
  return <p>Hello {name}</p>;
}

describe("lazyWithPreload", () => {
  it("renders a preloaded component at once, without the Suspense fallback", async () => {
    let loads = 0;
    const Page = lazyWithPreload(async () => {
      loads += 1;
      return { default: Hello };
    });
    await Page.preload();
    await Page.preload();
    render(
      <Suspense fallback={<p>Loading…</p>}>
        <Page name="Ada" />
      </Suspense>,
    );
    expect(screen.getByText("Hello Ada")).toBeInTheDocument();
    expect(screen.queryByText("Loading…")).toBeNull();
    expect(loads).toBe(1);
  });

  it("suspends until loaded when it was not preloaded", async () => {
    const Page = lazyWithPreload(async () => ({ default: Hello }));
    render(
      <Suspense fallback={<p>Loading…</p>}>
        <Page name="Bob" />
      </Suspense>,
    );
    expect(screen.getByText("Loading…")).toBeInTheDocument();
    expect(await screen.findByText("Hello Bob")).toBeInTheDocument();
  });

  it("swallows a failed preload and lets the render report it", async () => {
    const Page = lazyWithPreload<{ name: string }>(() => Promise.reject(new Error("chunk gone")));
    await expect(Page.preload()).resolves.toBeUndefined();
  });
});
