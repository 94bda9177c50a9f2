"""Which texts some session of this process is encoding right now, so no other encodes them.

A page's sessions each keep their own :class:`~semsearch.encoding.vector_cache.VectorCache`
and read through one shared disk cache. Reading through is not enough when a classroom
searches the same sample at once: every session looks on disk before any has written, and
the one shared model encodes the same lines once per session. A session therefore claims
the keys it is about to encode; a session that needs a key already claimed waits for its
owner to finish and then reads the vectors from the disk cache. If the owner fails (a
rerun, a full disk) the waiter finds nothing and encodes the text itself.

What it does not do: hold vectors (the disk cache does), or span processes.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Claim:
    """The keys a caller now owns (it must :meth:`InFlight.release` them) and those it awaits."""

    mine: list[str]
    theirs: list[threading.Event]


class InFlight:
    """Keys being encoded in this process, each with an event set when its owner is done."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: dict[str, threading.Event] = {}

    def claim(self, keys: Sequence[str]) -> Claim:
        """Own every key nobody is encoding; return the events of the keys others are.

        The keys a call owns share one event (set when it releases them): an event per key
        made a 200,000-line paste hold the registry's lock for seconds, and every other
        session's one-line query waited on it.
        """
        mine: list[str] = []
        theirs: dict[int, threading.Event] = {}
        done = threading.Event()
        with self._lock:
            for key in keys:
                event = self._events.get(key)
                if event is None:
                    self._events[key] = done
                    mine.append(key)
                else:
                    theirs[id(event)] = event
        return Claim(mine, list(theirs.values()))

    def release(self, keys: Sequence[str]) -> None:
        """Done with ``keys`` (encoded and written, or failed): wake whoever waits.

        Release a claim's keys all at once: they share one event, so releasing some would
        wake the waiters of the others too early (they would find nothing and wait again).
        """
        with self._lock:
            events = {id(event): event for key in keys if (event := self._events.pop(key, None))}
        for event in events.values():
            event.set()

    def __len__(self) -> int:
        with self._lock:
            return len(self._events)


PROCESS = InFlight()
"""The one registry of this process, shared by every cache that reads through a disk cache."""
