"""A classroom under load: many browser sessions searching one ``streamlit run app.py`` at once.

Starts the real page (bundled model, CPU, a fresh data folder so every vector cache is
cold) headless on a loopback port, then opens N sessions as websocket clients speaking
Streamlit's own protocol (``BackMsg``/``ForwardMsg`` over ``/_stcore/stream``), the
messages a browser tab sends and receives. Websocket clients, not headless Chromium pages:
on 2 shared cores 40 browsers would measure the browsers, not the server; the server sees
the same thing either way (one session per connection, widget states in, deltas out).

Two scenarios, each session first loading the page, then all pressing Search together:

* ``same``: every session searches the page's sample with a question of its own (the
  sample's lines must be encoded once, not once per session);
* ``own``: every session types its own knowledge base of ``--lines`` lines and searches it.

Per session: time from pressing Search to its first result on screen. Reported: p50, p95,
max, errors (a session with an exception element, a timeout, or no result), cross-talk (a
session shown another's query or lines), the server's RSS before and after, and the load
average (the machine is shared). Prints a table, then one line of JSON.

    python bench/classroom.py --sessions 40 --lines 200
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EARLY_FOR_RERUN = 2
"""``ForwardMsg.FINISHED_EARLY_FOR_RERUN``: the page asked for another run at once."""
QUESTIONS = [
    "which fruit has vitamin C",
    "how do I keep my phone charged",
    "what helps against a cold",
    "where can I park my car",
    "how does a plant make food",
]
TOPICS = [
    "oranges and lemons are rich in vitamin C",
    "a phone battery lasts longer when it is not left at full charge",
    "rest and warm drinks help when you have a cold",
    "the car park behind the station is free at weekends",
    "plants turn sunlight, water and carbon dioxide into sugar",
    "the library opens at nine and closes at six",
    "bicycles need their tyres pumped every few weeks",
    "bread rises because yeast makes gas",
]


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(data: Path) -> tuple[subprocess.Popen[bytes], str, Path]:
    """``streamlit run app.py`` headless on a free loopback port, once healthy."""
    port = free_port()
    log = data.parent / "server.log"
    env = {**os.environ, "SEMSEARCH_MODEL": "bundled", "HF_HUB_OFFLINE": "1",
           "SEMSEARCH_DATA_DIR": str(data)}  # fmt: skip
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true"]  # fmt: skip
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.read() == b"ok":
                    return process, f"127.0.0.1:{port}", log
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"streamlit did not start:\n{log.read_text()}")
        time.sleep(0.3)


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MiB."""
    import psutil

    process = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)]) / 2**20


@dataclass
class Session:
    """One browser tab: a websocket, the widget ids the page gave it, what it was shown."""

    number: int
    address: str
    kb: str | None
    """Its own knowledge base, or ``None`` for the page's sample."""
    query: str
    allowed: set[str] | None = None
    """The lines its results may show (``None``: checked after the first page run)."""
    ids: dict[str, str] = field(default_factory=dict)
    seconds: float | None = None
    error: str | None = None
    cross_talk: list[str] = field(default_factory=list)

    def run(self, ready: threading.Barrier, timeout: float) -> None:
        """Load the page, wait for the others, press Search and read what comes back."""
        from websockets.sync.client import connect

        try:
            with connect(
                f"ws://{self.address}/_stcore/stream",
                subprotocols=["streamlit"],  # type: ignore[list-item]
                max_size=None,
                open_timeout=timeout,
            ) as ws:
                self.socket = ws
                self._rerun({})
                first = self._read(timeout)
                if self.allowed is None:
                    self.allowed = set(first.kb_lines)
                ready.wait(timeout=timeout)
                states = {"query": ("string_value", self.query), "search": ("trigger_value", True)}
                if self.kb is not None:
                    states["kb_text"] = ("string_value", self.kb)
                started = time.monotonic()
                self._rerun(states)
                shown = self._read(timeout, started)
        except Exception as error:  # noqa: BLE001 - counted as the session's error
            self.error = f"{type(error).__name__}: {error}"
            return
        if shown.exception:
            self.error = shown.exception
        elif shown.first_result is None:
            self.error = "no results shown"
        else:
            self.seconds = shown.first_result
        if shown.results_for not in (None, f"Results for: {self.query}"):
            self.cross_talk.append(f"header {shown.results_for!r}")
        self.cross_talk += [line for line in shown.results if line not in (self.allowed or ())]

    def _rerun(self, states: dict[str, tuple[str, object]]) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        message = BackMsg()
        message.rerun_script.query_string = ""
        message.rerun_script.page_script_hash = ""
        for key, (kind, value) in states.items():
            widget = message.rerun_script.widget_states.widgets.add()
            widget.id = self.ids[key]
            setattr(widget, kind, value)
        self.socket.send(message.SerializeToString())

    def _read(self, timeout: float, started: float | None = None) -> Shown:
        """Read one script run's messages to its end: widget ids, results, exceptions."""
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        shown = Shown()
        after_rank = False
        deadline = time.monotonic() + timeout
        while True:
            message = ForwardMsg()
            message.ParseFromString(self.socket.recv(timeout=max(0.1, deadline - time.monotonic())))
            kind = message.WhichOneof("type")
            if kind == "script_finished" and message.script_finished != EARLY_FOR_RERUN:
                return shown  # a run the page ends early (st.rerun) is followed by another
            if kind != "delta" or message.delta.WhichOneof("type") != "new_element":
                continue
            element = message.delta.new_element
            name = str(element.WhichOneof("type"))
            body = getattr(element, name)
            if widget_id := getattr(body, "id", ""):
                self.ids[widget_id.rsplit("-", 1)[-1]] = widget_id
            if name == "text_area" and widget_id.endswith("-kb_text"):
                text = body.value if body.set_value else body.default
                shown.kb_lines = [line for line in text.splitlines() if line.strip()]
            elif name == "exception":
                shown.exception = f"{body.type}: {body.message}"
            elif name == "text" and body.body.startswith("Results for: "):
                shown.results_for = body.body
            elif shown.results_for and (
                (name == "markdown" and body.body.startswith("#"))  # "#1 0.74 strong match"
                or (name == "alert" and body.body.startswith("No line reaches"))  # best line
            ):
                after_rank = True
                continue
            elif name == "progress" and after_rank:
                continue  # the score bar sits between the rank line and the text
            elif name == "text" and after_rank:
                shown.results.append(body.body)
                if shown.first_result is None and started is not None:
                    shown.first_result = time.monotonic() - started
            after_rank = False


@dataclass
class Shown:
    """What one script run put on a session's page."""

    kb_lines: list[str] = field(default_factory=list)
    results_for: str | None = None
    results: list[str] = field(default_factory=list)
    first_result: float | None = None
    exception: str | None = None


def own_kb(number: int, lines: int) -> str:
    """A knowledge base no other session has: every line carries the session's number."""
    return "\n".join(
        f"session {number} note {i}: {TOPICS[(i + number) % len(TOPICS)]}" for i in range(lines)
    )


def scenario(address: str, name: str, sessions: int, lines: int, timeout: float) -> dict:
    """Open ``sessions`` tabs, let them all press Search together; summarise what they saw."""
    tabs = []
    for number in range(sessions):
        query = f"{QUESTIONS[number % len(QUESTIONS)]} ({name} {number})"
        if name == "same":
            tabs.append(Session(number, address, None, query))
        else:
            kb = own_kb(number, lines)
            tabs.append(Session(number, address, kb, query, set(kb.splitlines())))
    ready = threading.Barrier(sessions)
    threads = [threading.Thread(target=tab.run, args=(ready, timeout)) for tab in tabs]
    load_before = os.getloadavg()
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    times = sorted(tab.seconds for tab in tabs if tab.seconds is not None)
    errors = [f"session {tab.number}: {tab.error}" for tab in tabs if tab.error]
    talk = [f"session {tab.number}: {line}" for tab in tabs for line in tab.cross_talk]
    p50 = statistics.median(times) if times else None
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))] if times else None
    return {
        "scenario": name,
        "sessions": sessions,
        "lines": lines if name == "own" else None,
        "p50_s": p50,
        "p95_s": p95,
        "max_s": times[-1] if times else None,
        "p95_over_p50": (p95 / p50) if p50 and p95 else None,
        "errors": len(errors),
        "error_examples": errors[:3],
        "cross_talk": len(talk),
        "cross_talk_examples": talk[:3],
        "wall_s": time.monotonic() - started,
        "loadavg_before": load_before,
        "loadavg_after": os.getloadavg(),
    }


def main() -> None:
    """Run the scenarios against one fresh server; print a table and a JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=40)
    parser.add_argument("--lines", type=int, default=200, help="lines of each own knowledge base")
    parser.add_argument("--scenarios", default="same,own")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per page run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="classroom-") as work:
        process, address, log = start_server(Path(work) / "data")
        try:
            rss_start = rss_mb(process.pid)
            results = []
            for name in args.scenarios.split(","):
                before = rss_mb(process.pid)
                result = scenario(address, name, args.sessions, args.lines, args.timeout)
                result["rss_before_mb"], result["rss_after_mb"] = before, rss_mb(process.pid)
                results.append(result)
        finally:
            process.terminate()
            process.wait(timeout=30)
        tracebacks = log.read_text().count("Traceback")
    print(f"server RSS at start {rss_start:.0f} MB; tracebacks in the server log: {tracebacks}")
    print(f"{'scenario':<9}{'sessions':>9}{'p50 s':>8}{'p95 s':>8}{'max s':>8}{'p95/p50':>9}"
          f"{'errors':>8}{'x-talk':>8}{'RSS MB':>16}{'load':>16}")  # fmt: skip
    for r in results:
        ratio = f"{r['p95_over_p50']:.2f}" if r["p95_over_p50"] else "-"
        fmt = lambda v: f"{v:.2f}" if v is not None else "-"  # noqa: E731
        print(f"{r['scenario']:<9}{r['sessions']:>9}{fmt(r['p50_s']):>8}{fmt(r['p95_s']):>8}"
              f"{fmt(r['max_s']):>8}{ratio:>9}{r['errors']:>8}{r['cross_talk']:>8}"
              f"{r['rss_before_mb']:>7.0f}->{r['rss_after_mb']:<7.0f}"
              f"{r['loadavg_before'][0]:>7.2f}->{r['loadavg_after'][0]:<6.2f}")  # fmt: skip
        for example in r["error_examples"] + r["cross_talk_examples"]:
            print("   ", example)
    print(json.dumps({"rss_start_mb": rss_start, "tracebacks": tracebacks, "results": results}))


if __name__ == "__main__":
    main()
