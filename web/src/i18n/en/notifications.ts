// English texts of the notification bell and its panel.
export const notifications = {
  title: "Notifications",
  bell: {
    none: "Notifications, none unread",
    unread_one: "Notifications, {{count}} unread",
    unread_many: "Notifications, {{count}} unread",
    unread_other: "Notifications, {{count}} unread",
    live: "Notifications (live)",
  },
  panel: {
    live: "live",
    polled: "updates every 30 s",
    markAll: "Mark all read",
    close: "Close notifications",
    loading: "Loading notifications…",
    empty: "You have no notifications.",
    recent: "Recent notifications",
    unread: "Unread: ",
    markRead: "Mark read",
    markOneRead: "Mark “{{title}}” read",
  },
  level: {
    info: "info",
    success: "success",
    warning: "warning",
    error: "error",
  },
  announce: {
    new: "New notification: {{title}}",
    allRead: "All notifications marked read.",
  },
} as const;
