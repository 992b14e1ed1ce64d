"""The SSE parser and the reconnect backoff, on their own."""

from __future__ import annotations

from warden_sdk._backoff import Backoff
from warden_sdk._sse import SseEvent, SseParser


def test_parses_events_split_anywhere_including_inside_crlf_and_utf8() -> None:
    stream = 'event: permission\r\ndata: {"code":"ALLOW","note":"é"}\r\n\r\n: a comment\n\nevent: heartbeat\rdata:x\r\r'.encode()
    parser = SseParser()

    events = [event for i in range(len(stream)) for event in parser.feed(stream[i : i + 1])]

    assert events == [SseEvent("permission", '{"code":"ALLOW","note":"é"}'), SseEvent("heartbeat", "x")]


def test_joins_multi_line_data_and_defaults_the_event_name() -> None:
    events = SseParser().feed(b"data: a\ndata: b\nid: 7\nretry: 10\n\nevent: lonely\n\n")

    assert events == [SseEvent("message", "a\nb")]  # an event without data is not dispatched


def test_backoff_doubles_with_jitter_up_to_its_cap_and_resets() -> None:
    low, high = Backoff(rand=lambda: 0.0), Backoff(rand=lambda: 1.0)

    assert [high.next_delay() for _ in range(7)] == [0.25, 0.5, 1.0, 2.0, 4.0, 5.0, 5.0]
    assert [low.next_delay() for _ in range(3)] == [0.125, 0.25, 0.5]
    high.reset()
    assert high.next_delay() == 0.25
