"""The audit log's writer now lives in claims/audit.py, beside the services that write it;
editorial's own writers keep calling ``audit.record`` through this name."""

from claims.audit import entry_for, record  # noqa: F401
