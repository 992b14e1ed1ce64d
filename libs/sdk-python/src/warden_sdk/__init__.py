"""warden_sdk: the Python runtime SDK of warden. Register. Validate. Work.

::

    from warden_sdk import Warden, ExecutionDenied

    warden = Warden.from_env()                      # WARDEN_URL, WARDEN_ORG_KEY (or WARDEN_KEY)
    with warden.start("agent-01") as lease:         # raises ExecutionDenied when not allowed
        while lease.active:
            lease.guard(lambda cancelled: do_work(cancelled))
"""

from .aio import AsyncLease, AsyncLeaseStart
from .client import DEFAULT_BASE_URL, DEFAULT_MAX_STALENESS, DEFAULT_TIMEOUT, Warden
from .errors import (
    ControlPlaneStale,
    DenialCode,
    ExecutionDenied,
    LeaseClosed,
    WardenApiError,
    WardenConfigError,
    WardenError,
    WardenUnavailable,
)
from .lease import Lease
from .models import Decision, DecisionCode, PermissionUpdate

__version__ = "0.1.0"

__all__ = [
    "Warden",
    "Lease",
    "AsyncLease",
    "AsyncLeaseStart",
    "Decision",
    "DecisionCode",
    "PermissionUpdate",
    "DenialCode",
    "WardenError",
    "ExecutionDenied",
    "ControlPlaneStale",
    "LeaseClosed",
    "WardenUnavailable",
    "WardenApiError",
    "WardenConfigError",
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "DEFAULT_MAX_STALENESS",
    "__version__",
]
