"""The asyncio lease: ``async with warden.astart(...)``, an asyncio.Event set from the lease's
threads, and ``await lease.guard(coro_fn)``; against the real control plane."""

from __future__ import annotations

import asyncio
import threading
from typing import List

import pytest

from support.operator import Org
from warden_sdk import AsyncLease, ExecutionDenied, LeaseClosed, Warden


def test_async_with_starts_guards_and_closes(warden: Warden) -> None:
    async def scenario() -> None:
        async with warden.astart("async-1", labels={"team": "async"}) as lease:
            assert isinstance(lease, AsyncLease) and lease.active
            assert isinstance(lease.cancelled, asyncio.Event) and not lease.cancelled.is_set()
            seen: List[object] = []

            async def work(cancelled: asyncio.Event) -> str:
                seen.append(cancelled)
                await asyncio.sleep(0)
                return "done"

            assert await lease.guard(work) == "done"
            assert seen == [lease.cancelled]
            assert await lease.guard(lambda cancelled: "plain functions too") == "plain functions too"
        assert lease.cancelled.is_set() and isinstance(lease.reason, LeaseClosed)

    asyncio.run(scenario())


def test_a_revoke_sets_the_asyncio_event_within_a_second(warden: Warden, org: Org) -> None:
    async def scenario() -> None:
        async with warden.astart("async-2") as lease:
            loop_thread = threading.get_ident()
            await asyncio.get_running_loop().run_in_executor(None, org.revoke, "async-2")

            await asyncio.wait_for(lease.cancelled.wait(), timeout=1.0)

            assert threading.get_ident() == loop_thread
            assert lease.reason is not None and lease.reason.code == "DEVICE_REVOKED" and not lease.active
            called: List[bool] = []

            async def work(cancelled: asyncio.Event) -> None:
                called.append(True)

            with pytest.raises(ExecutionDenied) as raised:
                await lease.guard(work)
            assert raised.value.code == "DEVICE_REVOKED" and called == []
        assert lease.reason is not None and lease.reason.code == "DEVICE_REVOKED"

    asyncio.run(scenario())


def test_a_long_coroutine_can_stop_on_the_event(warden: Warden, org: Org) -> None:
    async def scenario() -> str:
        async with warden.astart("async-3") as lease:

            async def long_tool(cancelled: asyncio.Event) -> str:
                # An operator revokes the device while the tool runs.
                await asyncio.get_running_loop().run_in_executor(None, org.revoke, "async-3")
                try:
                    await asyncio.wait_for(cancelled.wait(), timeout=30)
                except asyncio.TimeoutError:
                    return "ran to the end"
                return "stopped early"

            return await lease.guard(long_tool)

    assert asyncio.run(scenario()) == "stopped early"


def test_await_astart_answers_a_lease_and_start_refusals_raise(warden: Warden, org: Org) -> None:
    async def scenario() -> None:
        lease = await warden.astart("async-4")
        assert lease.active and lease.decision.code == "ALLOW"
        await lease.close()
        org.revoke("async-4")

        with pytest.raises(ExecutionDenied) as raised:
            async with warden.astart("async-4"):
                pytest.fail("the body ran for a revoked device")
        assert raised.value.code == "DEVICE_REVOKED"

    asyncio.run(scenario())

