"""Per-company secrets store: encrypted values, written by admins, read only by running steps."""
