import "../pages/execution/api-test-shim";
import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { json, mockFetch, renderPage } from "../pages/execution/test-utils";
import { NotificationBell, appPath } from "./NotificationBell";
import { backoffMs } from "./useNotificationSocket";

class FakeWebSocket {
  static instances: FakeWebSocket[] = [];
  url: string;
  readyState = 0;
  onopen: ((e: Event) => void) | null = null;
  onmessage: ((e: MessageEvent) => void) | null = null;
  onclose: ((e: CloseEvent) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;
  constructor(url: string) {
    this.url = url;
    FakeWebSocket.instances.push(this);
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event("open"));
  }
  push(data: unknown) {
    this.onmessage?.(new MessageEvent("message", { data: JSON.stringify(data) }));
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code, reason: "" } as CloseEvent);
  }
  send() {}
  close() {
    this.readyState = 3;
  }
}

const note = (id: number, over: Record<string, unknown> = {}) => ({
  id, user_id: 1, level: "info", title: `Note ${id}`, message: `Message ${id}`, link: null,
  read_at: null, created_at: "2026-12-05T10:00:00Z", ...over,
});

beforeEach(() => {
  FakeWebSocket.instances = [];
  vi.stubGlobal("WebSocket", FakeWebSocket);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("NotificationBell", () => {
  it("shows the count, bumps it on a pushed notification and marks all read", async () => {
    const { calls } = mockFetch(({ path, method }) => {
      if (path === "/api/v1/notifications/unread-count") return json({ count: 3 });
      if (path === "/api/v1/notifications" && method === "GET")
        return json({ items: [note(2), note(1, { read_at: "2026-12-05T10:01:00Z" })], total: 2, page: 1, size: 15, pages: 1 });
      if (path === "/api/v1/notifications/read-all" && method === "POST") return json({ count: 3 });
      return undefined;
    });
    renderPage(<NotificationBell />);
    const bell = await screen.findByRole("button", { name: "Notifications, 3 unread" });
    await waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    const socket = FakeWebSocket.instances[0];
    expect(socket.url).toBe(`ws://${location.host}/api/v1/ws/notifications`);

    act(() => {
      socket.open();
      socket.push({ type: "hello", unread_count: 3 });
    });
    await userEvent.click(bell);
    const panel = screen.getByRole("dialog", { name: "Notifications" });
    await within(panel).findByText("Note 2");

    act(() => socket.push({ type: "notification", unread_count: 4, notification: note(9, { level: "warning", title: "Approval needed: Discount", link: "/approvals/17" }) }));
    expect(screen.getByRole("button", { name: "Notifications, 4 unread" })).toBeInTheDocument();
    const items = within(panel).getAllByRole("listitem");
    expect(items[0]).toHaveTextContent("Approval needed: Discount");
    expect(within(items[0]).getByRole("link", { name: "Approval needed: Discount" })).toHaveAttribute("href", "/approvals?id=17");
    expect(screen.getByText("New notification: Approval needed: Discount")).toBeInTheDocument();

    await userEvent.click(within(panel).getByRole("button", { name: "Mark all read" }));
    await screen.findByRole("button", { name: "Notifications, none unread" });
    expect(calls.some((c) => c.method === "POST" && c.path === "/api/v1/notifications/read-all")).toBe(true);
    expect(within(panel).queryByRole("button", { name: /^Mark “/ })).not.toBeInTheDocument();

    // Escape closes the panel and gives the focus back to the bell.
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByRole("dialog", { name: "Notifications" })).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: /^Notifications/ })).toHaveFocus();
  });

  it("marks one notification read", async () => {
    let read = false;
    const { calls } = mockFetch(({ path, method }) => {
      if (path === "/api/v1/notifications/unread-count") return json({ count: read ? 0 : 1 });
      if (path === "/api/v1/notifications" && method === "GET") return json({ items: [note(5)], total: 1, page: 1, size: 15, pages: 1 });
      if (path === "/api/v1/notifications/5/read" && method === "POST") {
        read = true;
        return json(note(5, { read_at: "2026-12-05T11:00:00Z" }));
      }
      return undefined;
    });
    renderPage(<NotificationBell />);
    await userEvent.click(await screen.findByRole("button", { name: "Notifications, 1 unread" }));
    await userEvent.click(await screen.findByRole("button", { name: "Mark “Note 5” read" }));
    await waitFor(() => expect(calls.some((c) => c.path === "/api/v1/notifications/5/read")).toBe(true));
    expect(await screen.findByRole("button", { name: "Notifications, none unread" })).toBeInTheDocument();
  });

  it("reconnects with back-off and polls the count while the socket is down", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let counts = 0;
    mockFetch(({ path }) => {
      if (path === "/api/v1/notifications/unread-count") {
        counts += 1;
        return json({ count: counts });
      }
      return undefined;
    });
    renderPage(<NotificationBell />);
    await screen.findByRole("button", { name: "Notifications, 1 unread" });
    const first = FakeWebSocket.instances[0];
    act(() => first.drop());
    // Socket down: the count is polled every 30 s.
    await act(() => vi.advanceTimersByTimeAsync(30_500));
    await screen.findByRole("button", { name: "Notifications, 2 unread" });
    // …and reconnect attempts were made meanwhile (1 s, 2 s, 4 s…).
    expect(FakeWebSocket.instances.length).toBeGreaterThan(1);
    const latest = FakeWebSocket.instances.at(-1)!;
    act(() => {
      latest.open();
      latest.push({ type: "hello", unread_count: 7 });
    });
    expect(screen.getByRole("button", { name: "Notifications, 7 unread" })).toBeInTheDocument();
    const before = counts;
    await act(() => vi.advanceTimersByTimeAsync(61_000));
    expect(counts).toBe(before);
  });

  it("maps links into the app", () => {
    expect(appPath("/approvals/17")).toBe("/approvals?id=17");
    expect(appPath("http://public.example/approvals/3")).toBe("/approvals?id=3");
    expect(appPath("/workflows/2/executions/5")).toBe("/workflows/2/executions/5");
    expect(appPath(null)).toBeNull();
    expect(backoffMs(0)).toBe(1000);
    expect(backoffMs(10)).toBe(30_000);
  });
});
