"""Live notifications: a new notification is pushed to its recipient's open WebSockets.

Actions call `mark_created(session, refs)` for the notifications they insert; once the
transaction commits they reach this process's sockets and, through Redis, other API processes
(see `fanout`). The WebSocket route is in `routes`, the app's start/stop in `service`.
"""

from crmflow.live.fanout import mark_created

__all__ = ["mark_created"]
