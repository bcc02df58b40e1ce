"""Load over HTTP: concurrent clients (asyncio + httpx, bounded) ask a fixed list of questions of
`twinguard serve` for --seconds, first against one API process, then against two (each client alternates
between the two ports), all on loopback over ONE `chroma run` server. Prints throughput, p50/p95/p99
latency, errors, and whether every answer equals the single-user answer to that question.

Each process has its own TWINGUARD_HOME. With the shared-store mode (assistant/index/shared.py) the
catalog, chunks and library live on the Chroma server and the homes hold only caches; without it, each
home is indexed from the same corpus into the same server collection (the output says which).

Usage: python benchmarks/api_load.py [--seconds 60] [--clients 50] [--corpus DIR] [--work DIR] [--json FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.config import builtin_corpus  # noqa: E402
from benchmarks.load import QUESTIONS as LOAD_QUESTIONS  # noqa: E402
from benchmarks.multiprocess import chroma_server, free_port  # noqa: E402

HOST = "127.0.0.1"
COLLECTION = "api-load"
QUESTIONS = LOAD_QUESTIONS + (
    "Do I get paid each time my digital replica is used?",
    "What does California law say about digital replicas of performers?",
    "Can my agency sign a digital replica consent for me with a power of attorney?",
    "What should a rider say about deleting my body scans?",
    "Does Illinois protect my voice and likeness from AI copies?",
)


def shared_store_available() -> bool:
    return importlib.util.find_spec("assistant.index.shared") is not None


def twinguard(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("twinguard")), *args]


def process_env(home: Path, corpus: Path, chroma_port: int, library: Path) -> dict[str, str]:
    return {**os.environ, "TWINGUARD_HOME": str(home), "TWINGUARD_CORPUS": str(corpus),
            "TWINGUARD_CHROMA_HOST": HOST, "TWINGUARD_CHROMA_PORT": str(chroma_port),
            "TWINGUARD_COLLECTION": COLLECTION, "TWINGUARD_LIBRARY_DIR": str(library)}


def index(env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    proc = subprocess.run(twinguard("index"), env=env, capture_output=True, text=True, timeout=3600)
    if proc.returncode != 0:
        raise RuntimeError(f"twinguard index failed: {proc.stderr[-2000:]}")
    return time.perf_counter() - started, proc.stderr.strip().splitlines()[-1]


@contextmanager
def api_process(env: dict[str, str], log: Path, timeout: float = 600.0) -> Iterator[str]:
    """`twinguard serve` on a free loopback port; yields its base URL once /readyz says ready."""
    port = free_port()
    with log.open("w") as out:
        proc = subprocess.Popen(twinguard("serve", "--host", HOST, "--port", str(port)), env=env,
                                stdout=out, stderr=out)
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"twinguard serve exited: {log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"twinguard serve was not ready in {timeout:.0f} s")
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def reference_answers(base: str) -> tuple[dict[str, dict], list[float]]:
    """The single-user answer to each question (one request at a time), and each request's seconds."""
    answers, seconds = {}, []
    with httpx.Client(timeout=300) as http:
        for question in QUESTIONS:
            started = time.perf_counter()
            reply = http.post(f"{base}/v1/ask", json={"question": question})
            seconds.append(time.perf_counter() - started)
            reply.raise_for_status()
            answers[question] = reply.json()
    return answers, seconds


@dataclass
class Run:
    processes: int
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    different: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    def summary(self) -> dict:
        done = len(self.latencies)
        return {"processes": self.processes, "requests": done + len(self.errors), "ok": done,
                "seconds": round(self.seconds, 1), "throughput_rps": round(done / self.seconds, 2) if done else 0.0,
                "p50_ms": ms(percentile(self.latencies, 0.50)), "p95_ms": ms(percentile(self.latencies, 0.95)),
                "p99_ms": ms(percentile(self.latencies, 0.99)), "errors": len(self.errors),
                "error_examples": self.errors[:3], "different_answers": sum(self.different.values()),
                "identical": not self.different and done > 0}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


async def load(bases: list[str], seconds: float, clients: int, reference: dict[str, dict]) -> Run:
    """`clients` concurrent askers for `seconds`; each asks the questions in turn (starting at its own
    offset) and alternates between the processes. Requests in flight at the end are waited for."""
    run = Run(processes=len(bases))
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=300, limits=limits) as http:
        deadline = time.monotonic() + seconds

        async def client(offset: int) -> None:
            n = offset
            while time.monotonic() < deadline:
                question, base = QUESTIONS[n % len(QUESTIONS)], bases[n % len(bases)]
                n += 1
                started = time.perf_counter()
                try:
                    reply = await http.post(f"{base}/v1/ask", json={"question": question})
                except httpx.HTTPError as exc:
                    run.errors.append(f"{base}: {exc.__class__.__name__}: {exc}")
                    continue
                if reply.status_code != 200:
                    run.errors.append(f"{base}: HTTP {reply.status_code}: {reply.text[:200]}")
                    continue
                run.latencies.append(time.perf_counter() - started)
                if reply.json() != reference[question]:
                    run.different[question] += 1

        started = time.perf_counter()
        await asyncio.gather(*(client(i) for i in range(clients)))
        run.seconds = time.perf_counter() - started
    return run


def print_table(runs: list[dict]) -> None:
    print(f"{'processes':>9} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
          f"{'errors':>6}  identical to single-user")
    for r in runs:
        same = "yes" if r["identical"] else f"NO ({r['different_answers']} differ)"
        print(f"{r['processes']:>9} {r['requests']:>8} {r['throughput_rps']:>7.2f} {r['p50_ms']:>8.0f} "
              f"{r['p95_ms']:>8.0f} {r['p99_ms']:>8.0f} {r['errors']:>6}  {same}")
        for example in r["error_examples"]:
            print(f"          error: {example}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="Length of each load run.")
    parser.add_argument("--clients", type=int, default=50, help="Concurrent clients.")
    parser.add_argument("--corpus", type=Path, default=builtin_corpus())
    parser.add_argument("--work", type=Path, default=None, help="Keep the homes, server data and logs here.")
    parser.add_argument("--json", type=Path, default=None, help="Also write the figures here as JSON.")
    args = parser.parse_args()

    with ExitStack() as stack:
        work = args.work or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="twinguard-api-load-")))
        work.mkdir(parents=True, exist_ok=True)
        chroma_port = stack.enter_context(chroma_server(work / "chroma"))
        library = work / "library"
        env_a = process_env(work / "home-a", args.corpus, chroma_port, library)
        env_b = process_env(work / "home-b", args.corpus, chroma_port, library)
        shared = shared_store_available()
        print(f"chroma run on {HOST}:{chroma_port}, collection '{COLLECTION}'; corpus {args.corpus}")
        print("store mode: " + ("shared store (catalog, chunks and library on the Chroma server; each "
                                "process's home holds caches only)" if shared else
                                "shared-store mode not available: separate homes, each indexed from the same "
                                "corpus into the same server collection"))
        for name, env in (("A", env_a), ("B", env_b)):
            seconds, line = index(env)
            print(f"index via home {name}: {seconds:.1f} s — {line}")
        print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start")

        base_a = stack.enter_context(api_process(env_a, work / "serve-a.log"))
        reference, single = reference_answers(base_a)
        print(f"single user, process A: {len(single)} questions, p50 {ms(statistics.median(single)):.0f} ms, "
              f"max {ms(max(single)):.0f} ms")
        runs = [asyncio.run(load([base_a], args.seconds, args.clients, reference)).summary()]

        base_b = stack.enter_context(api_process(env_b, work / "serve-b.log"))
        b_answers, _ = reference_answers(base_b)
        same_b = sum(b_answers[q] == reference[q] for q in QUESTIONS)
        print(f"single user, process B: {same_b}/{len(QUESTIONS)} answers identical to process A's")
        runs.append(asyncio.run(load([base_a, base_b], args.seconds, args.clients, reference)).summary())

        print(f"\n{args.clients} concurrent clients, {args.seconds:.0f} s per run, {len(QUESTIONS)} questions, "
              f"loopback; load average {os.getloadavg()[0]:.2f} at the end")
        print_table(runs)
        if args.json:
            args.json.write_text(json.dumps({"shared_store": shared, "clients": args.clients,
                                             "seconds": args.seconds, "single_user_s": single,
                                             "b_identical": same_b, "runs": runs}, indent=2))


if __name__ == "__main__":
    main()
