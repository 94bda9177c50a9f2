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

``--adversarial``: the worst one tab can do while ``--sessions`` bystanders (each with a
five-line knowledge base of its own) search again and again with new one-line questions:

* ``paste``: one tab pastes ``--paste-lines`` distinct lines (200,000) and presses Search;
  the bystanders search for ``--duration`` seconds, then the attacker's tab is closed;
* ``umap``: one tab searches ``--umap-lines`` lines (20,000), opens the map and picks UMAP;
  the bystanders search until the map is drawn.

Each bystander searches once before the attack starts (that search, untimed, types its lines
and, on a fresh server, loads the model). Reported per bystander search after it: seconds
from pressing Search to the first result (p50, p95, max, overall and per phase of the
attack); the server's peak RSS (sampled every 0.2 s); the seconds until the server is idle
after the attacker's tab closed; the load average. Each
scenario runs against a fresh server of each ``--configs``: ``before`` is the page of
``--baseline`` (the commit before the fair turns and the page limits, via ``git archive``),
``after`` this tree with the page limits lifted (so the paste reaches the model and the turns
are what is measured), ``limits`` this tree with its default limits. One run, one machine
state:

    python bench/classroom.py --adversarial --sessions 4
"""

from __future__ import annotations

import argparse
import contextlib
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
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from baseline import checkout

PAGE = ("app.py", "app_views", "semsearch", ".streamlit")  # what the baseline page needs

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


def start_server(
    data: Path, root: Path = ROOT, extra: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], str, Path]:
    """``streamlit run app.py`` of ``root`` headless on a free loopback port, once healthy.

    ``extra``: more environment variables for the server (e.g. lifted page limits).
    """
    port = free_port()
    log = data.parent / f"server-{port}.log"
    env = {**os.environ, "SEMSEARCH_MODEL": "bundled", "HF_HUB_OFFLINE": "1",
           "SEMSEARCH_DATA_DIR": str(data), "PYTHONPATH": str(root), **(extra or {})}  # fmt: skip
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true"]  # fmt: skip
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
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
            if kind == "delta" and message.delta.WhichOneof("type") == "add_block":
                block = message.delta.add_block
                if block.WhichOneof("type") == "tab_container" and block.tab_container.id:
                    self._note(shown, "tabs", block.tab_container)  # the views' tabs
            if kind != "delta" or message.delta.WhichOneof("type") != "new_element":
                continue
            element = message.delta.new_element
            name = str(element.WhichOneof("type"))
            body = getattr(element, name)
            self._note(shown, name, body)
            if name == "exception":
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

    def _note(self, shown: Shown, name: str, body: Any) -> None:
        """Keep a widget's id, the knowledge base shown, and every message (alert)."""
        if widget_id := getattr(body, "id", ""):
            self.ids[widget_id.rsplit("-", 1)[-1]] = widget_id
        if name == "text_area" and widget_id.endswith("-kb_text"):
            text = body.value if body.set_value else body.default
            shown.kb_lines = [line for line in text.splitlines() if line.strip()]
        elif name == "alert":
            shown.alerts.append(body.body[:300])


@dataclass
class Shown:
    """What one script run put on a session's page."""

    kb_lines: list[str] = field(default_factory=list)
    results_for: str | None = None
    results: list[str] = field(default_factory=list)
    first_result: float | None = None
    exception: str | None = None
    alerts: list[str] = field(default_factory=list)


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


BASELINE = "efce2bb"
"""The commit before the fair turns on the shared model (b388aae) and the page limits."""
LIFTED = {"SEMSEARCH_MAX_PASSAGES": "10000000", "SEMSEARCH_MAX_CHARACTERS": "1000000000"}
"""The page limits lifted, so the paste reaches the model and the turns are what is measured."""


def pasted(lines: int) -> str:
    """``lines`` distinct lines (no two alike, so the vector cache cannot help)."""
    return "\n".join(
        f"pasted line {i}: {TOPICS[i % len(TOPICS)]} {i * 7919 % 100003}" for i in range(lines)
    )


class Tab(Session):
    """A tab kept open across several searches (a :class:`Session` does one)."""

    def open(self, timeout: float) -> None:
        """Connect and run the page once (the widget ids come back)."""
        from websockets.sync.client import connect

        self.socket = connect(
            f"ws://{self.address}/_stcore/stream", subprotocols=["streamlit"],  # type: ignore[list-item]
            max_size=None, open_timeout=timeout,
        ).__enter__()  # kept open across searches, closed by close()  # fmt: skip
        self._rerun({})
        self._read(timeout)

    def ask(self, states: dict[str, tuple[str, object]], timeout: float) -> Shown:
        """Send widget states and read the run they start to its end."""
        started = time.monotonic()
        self._rerun(states)
        return self._read(timeout, started)

    def close(self) -> None:
        """Close the tab: the websocket goes away as when a browser tab is closed."""
        self.socket.close()


@dataclass
class Bystander:
    """A tab with a five-line knowledge base of its own that searches again and again."""

    tab: Tab
    times: list[tuple[float, float]] = field(default_factory=list)
    """(started, seconds to the first result) per search, ``started`` on the run's clock."""
    error: str | None = None

    def loop(self, ready: threading.Barrier, stop: threading.Event, zero: float,
             timeout: float) -> None:  # fmt: skip
        """Search once, wait for everyone, then search again and again until ``stop``.

        Only the searches after the wait are timed. The first search, untimed, types the
        tab's lines and loads the model (the first search on a fresh server does): a cold
        start is not something the attacker did.
        """
        try:
            self.tab.open(timeout)
            asked = 0
            while asked == 0 or not stop.is_set():
                query = f"{QUESTIONS[asked % len(QUESTIONS)]} ({self.tab.number}.{asked})"
                states = {"query": ("string_value", query), "search": ("trigger_value", True)}
                if asked == 0:
                    states["kb_text"] = ("string_value", self.tab.kb or "")
                started = time.monotonic()
                shown = self.tab.ask(states, timeout)
                if shown.exception or shown.first_result is None:
                    self.error = shown.exception or f"no results shown {shown.alerts[:2]}"
                    ready.abort()
                    return
                if asked == 0:
                    ready.wait(timeout=timeout)
                else:
                    self.times.append((started - zero, shown.first_result))
                asked += 1
            self.tab.close()
        except Exception as error:  # noqa: BLE001 - counted as the session's error
            self.error = f"{type(error).__name__}: {error}"


@dataclass
class Attacker:
    """The adversarial tab: a huge paste, or a UMAP map of many lines; its phases timed."""

    tab: Tab
    kind: str
    lines: int
    phases: list[tuple[str, float, float]] = field(default_factory=list)
    """(phase, started, ended) on the run's clock; ``ended`` may be the tab's closing."""
    outcome: str = ""
    closed_at: float | None = None

    def run(self, ready: threading.Barrier, stop: threading.Event, zero: float,
            timeout: float) -> None:  # fmt: skip
        """Load the page, wait for everyone, then attack; close the tab when ``stop`` is set."""
        try:
            self.tab.open(timeout)
            ready.wait(timeout=timeout)
            search: dict[str, tuple[str, object]] = {
                "kb_text": ("string_value", pasted(self.lines)),
                "query": ("string_value", "which line is about bread"),
                "search": ("trigger_value", True),
            }
            steps: list[tuple[str, dict[str, tuple[str, object]]]]
            steps = [("paste", search)] if self.kind == "paste" else [
                ("encode", search),
                ("map (PCA)", {"why_tab": ("string_value", "Embedding map")}),
                ("map (UMAP)", {"map_method": ("string_value", "UMAP")}),
            ]  # fmt: skip
            for phase, states in steps:
                if "map_method" in states and "map_method" not in self.tab.ids:
                    self.outcome = "no map method picker shown"
                    break
                begun = time.monotonic()
                shown = self._until(states, stop, timeout)
                self.phases.append((phase, begun - zero, time.monotonic() - zero))
                if shown is None:
                    self.outcome = f"stopped during {phase}"
                    break
                if shown.exception or (shown.alerts and not shown.results):
                    self.outcome = shown.exception or f"refused: {shown.alerts[0][:160]}"
                    break
            else:
                self.outcome = "done"
        except Exception as error:  # noqa: BLE001 - reported as the attacker's outcome
            self.outcome = f"{type(error).__name__}: {error}"
        stop.wait()
        self.closed_at = time.monotonic() - zero
        self.tab.close()

    def _until(self, states: dict[str, tuple[str, object]], stop: threading.Event,
               timeout: float) -> Shown | None:  # fmt: skip
        """One page run read to its end, or ``None`` when ``stop`` came first (still running)."""
        result: list[Shown | BaseException] = []

        def read() -> None:
            try:
                result.append(self.tab.ask(states, timeout))
            except Exception as error:  # noqa: BLE001 - raised again below
                result.append(error)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        while reader.is_alive() and not stop.is_set():
            reader.join(0.2)
        if not result:
            return None
        if isinstance(result[0], BaseException):
            raise result[0]
        return result[0]


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) the server and its children have used."""
    import psutil

    process = psutil.Process(pid)
    return sum(sum(p.cpu_times()[:2]) for p in [process, *process.children(recursive=True)])


def until_idle(pid: int, limit: float = 180.0) -> float:
    """Seconds until the server uses under 10% of a core over a second (``limit`` at most)."""
    started = time.monotonic()
    last = cpu_s(pid)
    while time.monotonic() - started < limit:
        time.sleep(1.0)
        now = cpu_s(pid)
        if now - last < 0.1:
            return time.monotonic() - started - 1.0
        last = now
    return limit


def percentiles(times: list[float]) -> dict[str, float | None]:
    """p50, p95 and max of ``times`` (``None`` when empty)."""
    ordered = sorted(times)
    if not ordered:
        return {"n": 0, "p50_s": None, "p95_s": None, "max_s": None}
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"n": len(ordered), "p50_s": statistics.median(ordered), "p95_s": p95,
            "max_s": ordered[-1]}  # fmt: skip


def adversary(address: str, pid: int, kind: str, bystanders: int, lines: int,
              duration: float, timeout: float) -> dict:  # fmt: skip
    """Bystanders search their own five lines while one tab attacks (``paste`` or ``umap``).

    The bystanders search for ``duration`` seconds (``paste``) or until the map is drawn
    (``umap``, at most ``duration``); then they leave, the attacker's tab is closed, and the
    seconds until the server's CPU is idle again are measured.
    """
    tabs = [Bystander(Tab(n, address, own_kb(n, 5), "")) for n in range(bystanders)]
    attacker = Attacker(Tab(bystanders, address, None, ""), kind, lines)
    ready, stop = threading.Barrier(bystanders + 2), threading.Event()
    zero = time.monotonic()
    threads = [threading.Thread(target=b.loop, args=(ready, stop, zero, timeout)) for b in tabs]
    attack = threading.Thread(target=attacker.run, args=(ready, stop, zero, timeout))
    peak, sampling = [rss_mb(pid)], threading.Event()
    before = peak[0]

    def sample() -> None:
        while not sampling.wait(0.2):
            peak[0] = max(peak[0], rss_mb(pid))

    sampler = threading.Thread(target=sample)
    load_before = os.getloadavg()
    for thread in [sampler, attack, *threads]:
        thread.start()
    # Every tab has loaded the page and each bystander searched once; a bystander whose first
    # search failed broke the barrier, and is reported with its error.
    with contextlib.suppress(threading.BrokenBarrierError):
        ready.wait(timeout=timeout)
    ready_at, limit = time.monotonic(), duration if kind == "paste" else timeout
    while time.monotonic() - ready_at < limit and not (kind == "umap" and attacker.outcome):
        time.sleep(0.2)
    stop.set()
    for thread in threads:
        thread.join()
    attack.join()
    idle_after_close = until_idle(pid)
    sampling.set()
    sampler.join()
    times = [t for b in tabs for t in b.times]
    by_phase = {
        phase: percentiles([s for at, s in times if begun <= at < ended])
        for phase, begun, ended in attacker.phases
    }
    return {
        "scenario": kind, "bystanders": bystanders, "attack_lines": lines,
        **percentiles([s for _, s in times]), "by_phase": by_phase,
        "errors": sum(1 for b in tabs if b.error),
        "error_examples": [b.error for b in tabs if b.error][:3],
        "attacker": attacker.outcome or "still running when its tab closed",
        "phases": attacker.phases,
        "idle_after_close_s": idle_after_close,
        "rss_before_mb": before, "rss_peak_mb": peak[0],
        "loadavg_before": load_before, "loadavg_after": os.getloadavg(),
    }  # fmt: skip


def adversarial(args: argparse.Namespace) -> list[dict]:
    """Each adversarial scenario against each configuration's server, one after another."""
    results = []
    with tempfile.TemporaryDirectory(prefix="classroom-adv-") as work:
        roots = {"before": checkout(args.baseline, Path(work) / "before", PAGE), "after": ROOT}
        for config in args.configs.split(","):
            extra = LIFTED if config == "after" else {}
            code = "after" if config == "limits" else config
            for kind in args.attacks.split(","):
                data = Path(work) / f"data-{config}-{kind}"
                data.mkdir()
                process, address, log = start_server(data, roots[code], extra)
                try:
                    lines = args.paste_lines if kind == "paste" else args.umap_lines
                    result = adversary(address, process.pid, kind, args.sessions, lines,
                                       args.duration, args.timeout)  # fmt: skip
                finally:
                    process.terminate()
                    process.wait(timeout=60)
                result["config"] = config
                result["tracebacks"] = log.read_text().count("Traceback")
                results.append(result)
                print(summary(result), file=sys.stderr, flush=True)
    return results


def summary(r: dict) -> str:
    """One adversarial result as a line of the table."""
    fmt = lambda v: f"{v:.2f}" if v is not None else "-"  # noqa: E731
    return (f"{r['config']:<7}{r['scenario']:<6}{r['attack_lines']:>8}{r['n']:>6}"
            f"{fmt(r['p50_s']):>7}{fmt(r['p95_s']):>7}{fmt(r['max_s']):>7}{r['errors']:>5}"
            f"{r['rss_before_mb']:>7.0f}->{r['rss_peak_mb']:<6.0f}"
            f"{r['idle_after_close_s']:>7.1f}"
            f"{r['loadavg_before'][0]:>6.2f}->{r['loadavg_after'][0]:<5.2f}"
            f"  {r['attacker']}")  # fmt: skip


def main() -> None:
    """Run the scenarios against one fresh server; print a table and a JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=40)
    parser.add_argument("--lines", type=int, default=200, help="lines of each own knowledge base")
    parser.add_argument("--scenarios", default="same,own")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per page run")
    parser.add_argument(
        "--adversarial",
        action="store_true",
        help="run the adversarial scenarios instead (--sessions bystanders)",
    )
    parser.add_argument("--attacks", default="paste,umap")
    parser.add_argument(
        "--configs",
        default="before,after",
        help="before (--baseline's code), after (this tree, limits lifted), "
        "limits (this tree, default limits)",
    )
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--paste-lines", type=int, default=200_000)
    parser.add_argument("--umap-lines", type=int, default=20_000)
    parser.add_argument(
        "--duration",
        type=float,
        default=60.0,
        help="seconds the bystanders search during the paste",
    )
    args = parser.parse_args()
    if args.adversarial:
        results = adversarial(args)
        print(f"{'config':<7}{'attack':<6}{'lines':>8}{'n':>6}{'p50':>7}{'p95':>7}{'max':>7}"
              f"{'err':>5}{'RSS MB':>14}{'idle s':>7}{'load':>13}  attacker")  # fmt: skip
        for r in results:
            print(summary(r))
            for phase, found in r["by_phase"].items():
                print(f"    during {phase}: {found}")
        print(json.dumps({"adversarial": results}))
        return
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
