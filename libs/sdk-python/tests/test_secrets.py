"""Keys never appear in logs, exceptions or repr. (Every test is also checked by the autouse
fixture in conftest.py; this one walks every path that handles a key on purpose.)"""

from __future__ import annotations

import logging
import traceback
from typing import List

import pytest

from support.operator import Org
from warden_sdk import ExecutionDenied, Warden, WardenApiError, WardenConfigError, WardenError, WardenUnavailable


def shown(error: BaseException) -> str:
    return str(error) + repr(error) + "".join(traceback.format_exception(type(error), error, error.__traceback__))


def test_repr_of_a_client_shows_no_key(org: Org) -> None:
    warden = Warden(org.url, org.key)

    assert org.key not in repr(warden) and org.key not in str(warden)
    assert repr(warden) == f"Warden(base_url={org.url!r}, timeout=10.0)"
    assert org.key not in repr(Warden.from_env({"WARDEN_URL": org.url, "WARDEN_ORG_KEY": org.key}))


def test_a_password_in_the_url_is_hidden_too() -> None:
    assert "hunter2" not in repr(Warden("http://user:hunter2@127.0.0.1:9", "org_x"))


def test_no_key_in_any_error_or_log_line_of_a_whole_lifecycle(org: Org, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    errors: List[WardenError] = []
    warden = Warden(org.url, org.key)
    with warden.start("secret-1") as lease:
        lease.guard(lambda cancelled: None)
        org.revoke("secret-1")
        assert lease.cancelled.wait(1.0)
        errors.append(lease.reason)  # type: ignore[arg-type]
    for failing in (
        lambda: warden.start("secret-1"),  # ExecutionDenied
        lambda: Warden(org.url, org.key + "x").validate("secret-1"),  # 401, with a near-miss key
        lambda: warden.register("not valid"),  # 400
        lambda: Warden("http://127.0.0.1:1", org.key).validate("secret-1"),  # unreachable
        lambda: Warden("not a url", org.key),  # config
    ):
        with pytest.raises(WardenError) as raised:
            failing()
        errors.append(raised.value)

    assert [type(e) for e in errors] == [ExecutionDenied, ExecutionDenied, WardenApiError, WardenApiError, WardenUnavailable, WardenConfigError]
    assert all(org.key not in shown(e) for e in errors)
    assert any(e.__cause__ is not None for e in errors)  # chained causes were formatted too
    assert len(caplog.records) > 5 and "devices/watch" in caplog.text  # the capture saw the traffic
    assert org.key not in caplog.text
