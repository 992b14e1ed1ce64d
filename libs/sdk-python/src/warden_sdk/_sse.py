"""The SSE permission watch (``GET /api/v1/devices/watch``) on a daemon thread."""

from __future__ import annotations

import codecs
import logging
import re
import socket
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator, List, Optional, Protocol

import requests

from ._backoff import Backoff
from .errors import WardenError
from .models import SSE_HEARTBEAT_EVENT, SSE_PERMISSION_EVENT, PermissionUpdate, is_heartbeat, parse_json, to_permission_update

if TYPE_CHECKING:
    from .client import Warden


class WatchSink(Protocol):
    """What a watch reports to (the lease)."""

    def _permission(self, update: PermissionUpdate) -> None:
        """A permission message, parsed."""

    def _alive(self) -> None:
        """Something live came from the control plane: resets the staleness clock."""


log = logging.getLogger("warden_sdk")

_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class SseEvent:
    event: str
    data: str


class SseParser:
    """Incremental parser of a text/event-stream (the WHATWG rules the watch needs: ``event``
    and ``data`` fields, comments, any line ending, events ended by a blank line)."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._pending = ""
        self._after_cr = False
        self._event = ""
        self._data: List[str] = []

    def feed(self, chunk: bytes) -> List[SseEvent]:
        text = self._decoder.decode(chunk)
        if self._after_cr and text.startswith("\n"):
            text = text[1:]  # the second half of a \r\n split across chunks
        text = self._pending + text
        self._after_cr = False
        events: List[SseEvent] = []
        start = 0
        for match in _LINE_END.finditer(text):
            event = self._line(text[start : match.start()])
            if event is not None:
                events.append(event)
            start = match.end()
            self._after_cr = match.group() == "\r" and start == len(text)
        self._pending = text[start:]
        return events

    def _line(self, line: str) -> Optional[SseEvent]:
        if line == "":
            event = SseEvent(self._event or "message", "\n".join(self._data)) if self._data else None
            self._event, self._data = "", []
            return event
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if name == "event":
            self._event = value
        elif name == "data":
            self._data.append(value)
        return None


class SseWatch:
    """Watches one device's permission. The first connection is opened by the caller (it is part
    of starting a lease); after that, an error, the end of the stream or a stream silent for a
    third of ``max_staleness`` reopens it after a backoff, while the lease's staleness clock
    keeps running. It stops for good when ``stopped`` is set."""

    def __init__(self, warden: "Warden", device_id: str, max_staleness: float, sink: "WatchSink", stopped: threading.Event) -> None:
        self._warden = warden
        self._device_id = device_id
        self._sink = sink
        self._stopped = stopped
        self._idle = max(1.0, max_staleness / 3)
        self._session = warden._new_session()
        self._lock = threading.Lock()
        self._response: Optional[requests.Response] = None
        self._thread: Optional[threading.Thread] = None

    def connect(self) -> requests.Response:
        """Opens one stream; raises WardenApiError or WardenUnavailable when it cannot."""
        response = self._warden._open_watch(self._session, self._device_id, self._idle)
        with self._lock:
            self._response = response
        if self._stopped.is_set():
            _abort(response)
        return response

    def run_in_background(self, first: requests.Response) -> None:
        self._thread = threading.Thread(target=self._run, args=(first,), name=f"warden-watch:{self._device_id}", daemon=True)
        self._thread.start()

    def close(self, join_timeout: float = 1.0) -> None:
        """Interrupts the open stream (the thread is blocked reading it); idempotent. The thread
        itself ends because ``stopped`` is set."""
        with self._lock:
            response = self._response
        if response is not None:
            _abort(response)
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(join_timeout)

    def _run(self, first: requests.Response) -> None:
        backoff = Backoff()
        response: Optional[requests.Response] = first
        try:
            while not self._stopped.is_set():
                try:
                    if response is None:
                        response = self.connect()
                    if self._pump(response):
                        backoff.reset()
                except Exception as error:
                    # Reading a stream that close() tore down raises whatever urllib3 meets first.
                    if self._stopped.is_set():
                        break
                    if isinstance(error, (WardenError, requests.RequestException, OSError)):
                        log.debug("permission watch of %s interrupted: %s", self._device_id, error)
                    else:  # a bug must not end the watch silently; staleness still guards the lease
                        log.exception("permission watch of %s failed", self._device_id)
                finally:
                    if response is not None:
                        response.close()
                    response = None
                if self._stopped.wait(backoff.next_delay()):
                    break
        finally:
            self._session.close()

    def _pump(self, response: requests.Response) -> bool:
        """Feeds one stream to the parser until it ends; True if at least one event came through."""
        parser = SseParser()
        received = False
        for chunk in _chunks(response):
            if self._stopped.is_set():
                break
            for event in parser.feed(chunk):
                received = True
                self._dispatch(event)
        return received

    def _dispatch(self, event: SseEvent) -> None:
        """Everything on the stream comes live from the control plane, the current state sent on
        connect included."""
        if event.event == SSE_PERMISSION_EVENT:
            update = to_permission_update(parse_json(event.data))
            if update is None:
                return
            self._sink._alive()
            self._sink._permission(update)
        elif event.event == SSE_HEARTBEAT_EVENT and is_heartbeat(parse_json(event.data)):
            self._sink._alive()


def _chunks(response: requests.Response) -> Iterator[bytes]:
    """The stream's bytes as they arrive. A chunked stream (the control plane's) yields each
    HTTP chunk at once; any other read would wait for a full buffer (or the end of a
    close-delimited stream, for ever), so such a stream is read byte by byte."""
    chunked = "chunked" in response.headers.get("transfer-encoding", "").lower()
    return response.iter_content(chunk_size=None if chunked else 1)


def _abort(response: requests.Response) -> None:
    """Shuts the stream's socket down so a thread blocked reading it wakes at once (closing
    alone does not interrupt a blocked read on Linux), then closes the response."""
    raw: Any = getattr(response, "raw", None)
    candidates = [
        getattr(getattr(raw, "_connection", None), "sock", None),
        getattr(getattr(getattr(getattr(raw, "_fp", None), "fp", None), "raw", None), "_sock", None),
    ]
    for sock in candidates:
        if isinstance(sock, socket.socket):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
    try:
        response.close()
    except Exception:  # closing a half-torn-down stream may raise anything; it is closed either way
        pass
