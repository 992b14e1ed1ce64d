"""Fixtures: the real control plane (one per session, or one per test that stops it), a
fresh org per test, and a guard that fails any test in which a key leaked into a log record
or into an SDK exception's str or repr."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from typing import Iterator, List

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))  # the package under test, without installing it

from support import secrets  # noqa: E402
from support.control_plane import ControlPlane  # noqa: E402
from support.fake_control_plane import FakeControlPlane  # noqa: E402
from support.operator import Org, create_org  # noqa: E402
from warden_sdk import Warden, WardenError  # noqa: E402


@pytest.fixture(scope="session")
def control_plane(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ControlPlane]:
    plane = ControlPlane.start(tmp_path_factory.mktemp("warden-data"))
    yield plane
    plane.stop()


@pytest.fixture
def dedicated_control_plane(tmp_path: Path) -> Iterator[ControlPlane]:
    """A control plane of the test's own, for tests that stop it."""
    plane = ControlPlane.start(tmp_path / "warden-data")
    yield plane
    plane.stop()


@pytest.fixture
def org(control_plane: ControlPlane) -> Org:
    """A fresh org (pro plan: 25 devices) on the session's control plane."""
    return create_org(control_plane.url, control_plane.admin_token)


@pytest.fixture
def warden(org: Org) -> Iterator[Warden]:
    client = Warden(org.url, org.key, timeout=5.0)
    yield client
    client.close()


@pytest.fixture
def fake() -> Iterator[FakeControlPlane]:
    plane = FakeControlPlane()
    yield plane
    plane.close()


@pytest.fixture(autouse=True)
def no_key_leaks(caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> Iterator[List[WardenError]]:
    """Captures every log record (DEBUG and up, urllib3's included) and every SDK exception
    made during the test, and fails the test if any of them shows a key handed out in the
    suite: in a message, a str, a repr or a formatted traceback (chained causes included)."""
    caplog.set_level(logging.DEBUG)
    made: List[WardenError] = []
    original = WardenError.__init__

    def recording_init(self: WardenError, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        made.append(self)

    monkeypatch.setattr(WardenError, "__init__", recording_init)
    yield made
    texts = []
    for when in ("setup", "call", "teardown"):
        for record in caplog.get_records(when):
            texts.append(record.getMessage())
            if record.exc_info:
                texts.append("".join(traceback.format_exception(*record.exc_info)))
    for error in made:
        texts.extend([str(error), repr(error), "".join(traceback.format_exception(type(error), error, error.__traceback__))])
    leaks = [text for text in texts for key in secrets.KEYS if key in text]
    assert not leaks, f"a key leaked into: {leaks[0][:300]}"
