// The live notification socket: the browser's session cookie signs it in; reconnects with back-off.
import { useEffect, useRef, useState } from "react";
import type { Schemas } from "../api/client";

export type Notification = Schemas["NotificationOut"];

export type LiveMessage =
  | { type: "hello"; unread_count: number }
  | { type: "notification"; notification: Notification; unread_count?: number }
  | { type: "ping" }
  | { type: "pong" };

/** Back-off before reconnect attempt `n` (0-based): 1 s, 2 s, 4 s… at most 30 s. */
export function backoffMs(n: number): number {
  return Math.min(30_000, 1000 * 2 ** n);
}

export function socketUrl(): string {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${location.host}/api/v1/ws/notifications`;
}

/**
 * Keep a WebSocket open to `/api/v1/ws/notifications` while signed in; `onMessage` gets each
 * parsed message. Returns whether the socket is open (callers poll when it is not).
 */
export function useNotificationSocket(signedIn: boolean, onMessage: (message: LiveMessage) => void): boolean {
  const [connected, setConnected] = useState(false);
  const handler = useRef(onMessage);
  handler.current = onMessage;

  useEffect(() => {
    if (!signedIn || typeof WebSocket === "undefined") return;
    let socket: WebSocket | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let stopped = false;

    const connect = () => {
      try {
        socket = new WebSocket(socketUrl());
      } catch {
        schedule();
        return;
      }
      socket.onopen = () => {
        failures = 0;
        setConnected(true);
      };
      socket.onmessage = (event: MessageEvent) => {
        let message: LiveMessage;
        try {
          message = JSON.parse(String(event.data)) as LiveMessage;
        } catch {
          return;
        }
        handler.current(message);
      };
      socket.onclose = (event: CloseEvent) => {
        setConnected(false);
        socket = null;
        // 4401: the session is refused; reconnecting would not help (the API calls sign out).
        if (!stopped && event.code !== 4401) schedule();
      };
      socket.onerror = () => {
        // onclose follows and schedules the reconnect.
      };
    };
    const schedule = () => {
      if (stopped) return;
      timer = setTimeout(connect, backoffMs(failures));
      failures += 1;
    };

    connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      if (socket) {
        socket.onclose = null;
        socket.onmessage = null;
        socket.onopen = null;
        socket.close();
      }
      setConnected(false);
    };
  }, [signedIn]);

  return connected;
}
