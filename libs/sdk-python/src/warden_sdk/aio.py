"""The asyncio face of a lease: ``async with warden.astart(...) as lease``."""

from __future__ import annotations

import asyncio
import functools
import inspect
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Generator, Mapping, Optional, TypeVar, Union

from .errors import ExecutionDenied
from .lease import Lease, start_lease
from .models import Decision

if TYPE_CHECKING:
    from .client import Warden

T = TypeVar("T")


class AsyncLease:
    """A :class:`Lease` for asyncio code. ``cancelled`` is an :class:`asyncio.Event` of the loop
    the lease was started on, set (thread-safely, from the lease's threads) when the lease
    ends, for the same reasons as :attr:`Lease.cancelled`. Blocking HTTP runs in the loop's
    default executor, never on the loop."""

    def __init__(self, lease: Lease, loop: asyncio.AbstractEventLoop) -> None:
        self._lease = lease
        self._loop = loop
        self.cancelled = asyncio.Event()
        lease._on_end(self._set_cancelled)

    def __repr__(self) -> str:
        return repr(self._lease).replace("<Lease", "<AsyncLease", 1)

    @property
    def device_id(self) -> str:
        return self._lease.device_id

    @property
    def org_id(self) -> Optional[str]:
        return self._lease.org_id

    @property
    def decision(self) -> Decision:
        return self._lease.decision

    @property
    def reason(self) -> Optional[ExecutionDenied]:
        """Why the lease ended, or None while it holds."""
        return self._lease.reason

    @property
    def active(self) -> bool:
        """True while the lease holds (the lease's own state; ``cancelled`` follows within a loop turn)."""
        return self._lease.active

    @property
    def lease(self) -> Lease:
        """The underlying thread-based lease (its ``cancelled`` is a threading.Event)."""
        return self._lease

    async def guard(self, fn: Callable[[asyncio.Event], Union[Awaitable[T], T]]) -> T:
        """Validates over HTTP (in a thread), then calls ``fn(lease.cancelled)``, awaits it if it
        answered an awaitable, and returns the result. Raises :class:`ExecutionDenied` and never
        calls ``fn`` when the lease has ended or the validation is denied or cannot be done."""
        await self._loop.run_in_executor(None, self._lease._validate_before_work)
        result = fn(self.cancelled)
        if inspect.isawaitable(result):
            return await result  # type: ignore[no-any-return]
        return result  # type: ignore[return-value]

    async def close(self) -> None:
        """Ends the lease (:class:`LeaseClosed`) and releases its connection. Idempotent."""
        await self._loop.run_in_executor(None, self._lease.close)
        self.cancelled.set()

    async def __aenter__(self) -> "AsyncLease":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def _set_cancelled(self, _reason: ExecutionDenied) -> None:
        try:
            self._loop.call_soon_threadsafe(self.cancelled.set)
        except RuntimeError:
            pass  # the loop is closed: nobody is left to wake


class AsyncLeaseStart:
    """What :meth:`Warden.astart` answers: await it for an :class:`AsyncLease`, or use it as
    ``async with``, which closes the lease on exit."""

    def __init__(self, warden: "Warden", device_id: str, labels: Optional[Mapping[str, str]], max_staleness: float) -> None:
        self._start = functools.partial(start_lease, warden, device_id, labels, max_staleness)
        self._lease: Optional[AsyncLease] = None

    async def _open(self) -> AsyncLease:
        loop = asyncio.get_running_loop()
        starting = loop.run_in_executor(None, self._start)
        try:
            lease = await asyncio.shield(starting)
        except asyncio.CancelledError:
            # The caller gave up while the lease was being started: close it once it exists.
            starting.add_done_callback(_close_started)
            raise
        return AsyncLease(lease, loop)

    def __await__(self) -> Generator[Any, None, AsyncLease]:
        return self._open().__await__()

    async def __aenter__(self) -> AsyncLease:
        self._lease = await self._open()
        return self._lease

    async def __aexit__(self, *exc_info: object) -> None:
        if self._lease is not None:
            await self._lease.close()


def _close_started(starting: "asyncio.Future[Lease]") -> None:
    if not starting.cancelled() and starting.exception() is None:
        starting.result().close()
