"""Live notifications: a new notification is pushed to its recipient's open WebSockets.

Code that inserts notifications marks them with `db.signals.mark_notifications_created`; once
the transaction commits they reach this process's sockets and, through Redis, other API
processes (see `fanout`). The WebSocket route is in `routes`, the app's start/stop in `service`.
"""
