"""TwinGuard's optional LLM answer path, run against a real model on an OpenAI-compatible server.

    # in a separate benchmark env (never in CI): see benchmarks/llm_local_server.sh
    benchmarks/llm_local_server.sh                        # serves the GGUF on http://127.0.0.1:8089/v1
    .venv/bin/python benchmarks/llm_local.py --base-url http://127.0.0.1:8089/v1 --model gemma3-270m \
        --limit 20 --out /tmp/llm_local.json

The questions are the in-scope items of eval/gold.yaml (spread evenly over the file with --limit N; a
follow-up goes in with its earlier question as history, as the evaluation does). TwinGuard is built
through its facade (assistant.TwinGuard, assistant.config.Settings) with TWINGUARD_HOME set to a fresh
temporary folder, where the built-in corpus is indexed first; the LLM is configured as a user would
(Settings.llm = "openai:<model>", llm_base_url, llm_timeout).

Printed and written to --out (JSON): how many answers used the LLM (Answer.mode == "llm") and how many fell
back to the extractive answer, by reason (from Answer.notice, see assistant/answer/llm.py: model failure
with its kind, nothing verified, or the model not asked at all: declined or comparison questions);
the sentences the model wrote and the sentences that survived verification; latency p50/p95 of ask() with
the LLM and, for comparison, without it; and the model's own token counts and speed.

How sentences are counted. An Answer does not carry its verification, so:
- written: the model's raw reply is recorded by a thin proxy around the chat model (the generator
  TwinGuard builds from the settings, passed in through TwinGuard(generator=...)); it is split with
  assistant.answer.verifier.split_reply, the same split the verifier applies.
- survived: assistant.answer.llm.Verifier is wrapped (observed, not changed) so that each verification
  it runs is recorded with its verdict per sentence (supported, no-citation, bad-marker, other-place,
  unsupported). If that hook is not available, survived is derived from the answer instead: 0 for a
  fallback, else written minus the count in the "N sentences ... removed" notice (that notice leaves out
  sentences with no words, so this is an upper bound), and the report says which method was used.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant import TwinGuard  # noqa: E402
from assistant.config import Settings  # noqa: E402

REMOVED_RE = re.compile(r"(\d+) sentences? of the language model's answer (?:were|was) removed")


def percentile(values, q):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def is_loopback(url: str) -> bool:
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def server_models(base_url: str, timeout: float = 10.0) -> list[str]:
    with urllib.request.urlopen(base_url.rstrip("/") + "/models", timeout=timeout) as response:
        data = json.load(response)
    return [m.get("id", "") for m in data.get("data", [])]


class RecordingModel:
    """Stands in for the LangChain chat model: passes every call through and records the reply, its token
    usage, finish reason and duration. LangChainGenerator still turns failures into GenerationError."""

    def __init__(self, model):
        self.model = model
        self.calls: list[dict] = []

    def _record(self, started: float, reply=None, text: str = "", error: BaseException | None = None) -> None:
        usage = dict(getattr(reply, "usage_metadata", None) or {})
        meta = dict(getattr(reply, "response_metadata", None) or {})
        self.calls.append({
            "seconds": time.perf_counter() - started,
            "reply": text,
            "input_tokens": usage.get("input_tokens"),
            "output_tokens": usage.get("output_tokens"),
            "finish_reason": meta.get("finish_reason"),
            "error": f"{type(error).__name__}: {error}"[:300] if error else "",
        })

    def invoke(self, messages, *args, **kwargs):
        started = time.perf_counter()
        try:
            reply = self.model.invoke(messages, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - recorded, then raised unchanged
            self._record(started, error=exc)
            raise
        content = getattr(reply, "content", "")
        self._record(started, reply, content if isinstance(content, str) else str(content))
        return reply

    def stream(self, messages, *args, **kwargs):
        started, parts, last = time.perf_counter(), [], None
        try:
            for chunk in self.model.stream(messages, *args, **kwargs):
                last = chunk
                if isinstance(getattr(chunk, "content", None), str):
                    parts.append(chunk.content)
                yield chunk
        except Exception as exc:  # noqa: BLE001
            self._record(started, text="".join(parts), error=exc)
            raise
        self._record(started, last, "".join(parts))


def hook_verifier() -> list | None:
    """Record every Verification that the LLM answer path makes; None when the hook point is gone."""
    try:
        import assistant.answer.llm as llm_answer
        base = llm_answer.Verifier
    except (ImportError, AttributeError):
        return None
    seen: list = []

    class RecordingVerifier(base):  # type: ignore[misc, valid-type]
        def result(self, text):
            verification = super().result(text)
            seen.append(verification)
            return verification

    llm_answer.Verifier = RecordingVerifier
    return seen


def classify(answer, asked: bool) -> str:
    """Why an answer is (or is not) the LLM's, from Answer.mode / refused / notice."""
    if answer.mode == "llm":
        return "llm"
    notice = answer.notice or ""
    if "could not be verified" in notice:
        return "fallback: nothing verified"
    match = re.search(r"Language model unavailable \((.*?)\); showing", notice)
    if match:
        return "fallback: model failed"
    if "Language model not used" in notice:
        return "fallback: not configured"
    if answer.refused:
        return "extractive: declined (model not asked)"
    if not asked:
        return "extractive: model not asked"
    return "fallback: other"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default=os.environ.get("TWINGUARD_LLM_BASE_URL", "http://127.0.0.1:8089/v1"),
                        help="the server's OpenAI-compatible base URL, with /v1")
    parser.add_argument("--model", default="", help="model name as the server knows it (default: its first)")
    parser.add_argument("--limit", type=int, default=None, help="at most N in-scope gold questions")
    parser.add_argument("--gold", type=Path, default=ROOT / "eval" / "gold.yaml")
    parser.add_argument("--timeout", type=float, default=None,
                        help="Settings.llm_timeout in seconds (default: TwinGuard's own default)")
    parser.add_argument("--stream", action="store_true", help="use ask_stream() (the web app's path) instead of ask()")
    parser.add_argument("--no-baseline", action="store_true", help="skip the extractive-only latency run")
    parser.add_argument("--home", type=Path, default=None, help="TWINGUARD_HOME to use (default: a new temp dir)")
    parser.add_argument("--keep-home", action="store_true")
    parser.add_argument("--allow-remote", action="store_true", help="allow a base URL that is not loopback")
    parser.add_argument("--out", type=Path, default=None, help="write the JSON report here")
    args = parser.parse_args()

    if not is_loopback(args.base_url) and not args.allow_remote:
        parser.error(f"{args.base_url} is not a loopback address; pass --allow-remote to use it anyway")
    try:
        models = server_models(args.base_url)
    except OSError as exc:
        print(f"no OpenAI-compatible server at {args.base_url} ({exc}); start one first, e.g. "
              "benchmarks/llm_local_server.sh", file=sys.stderr)
        return 2
    model = args.model or (models[0] if models else "")
    if not model:
        print(f"{args.base_url}/models lists no model; pass --model", file=sys.stderr)
        return 2

    from assistant.answer.verifier import split_reply
    from assistant.evaluate.gold import load_gold, spread
    from assistant.llm.generation import LangChainGenerator, make_chat_model

    items = [i for i in load_gold(args.gold).items if i.in_scope]
    items = spread(items, args.limit)

    home = args.home or Path(tempfile.mkdtemp(prefix="twinguard-llm-bench-"))
    os.environ["TWINGUARD_HOME"] = str(home)
    overrides = {"llm": f"openai:{model}", "llm_base_url": args.base_url}
    if args.timeout is not None:
        overrides["llm_timeout"] = args.timeout
    settings = Settings.from_env(**overrides)
    recorder = RecordingModel(make_chat_model(settings))
    tg = TwinGuard(settings, generator=LangChainGenerator(recorder, name=settings.llm))
    verifications = hook_verifier()

    t0 = time.perf_counter()
    tg.embedder.warm_up()
    report = tg.index()
    index_seconds = time.perf_counter() - t0
    print(f"TWINGUARD_HOME={home}: indexed {len(report.added)} documents in {index_seconds:.1f} s")
    print(f"model {settings.llm} at {args.base_url} (server lists {models}), timeout {settings.llm_timeout:g} s, "
          f"{'ask_stream' if args.stream else 'ask'}(), {len(items)} in-scope questions")

    baseline: dict[str, float] = {}
    if not args.no_baseline:
        plain = TwinGuard(settings.with_(llm=""), embedder=tg.embedder, store=tg.store)
        for item in items:
            started = time.perf_counter()
            try:
                plain.ask(item.question, history=[item.context] if item.context else [])
            except Exception:  # noqa: BLE001 - the baseline is informative only
                continue
            baseline[item.id] = time.perf_counter() - started

    rows = []
    for number, item in enumerate(items, 1):
        history = [item.context] if item.context else []
        calls_before = len(recorder.calls)
        checks_before = len(verifications) if verifications is not None else 0
        started = time.perf_counter()
        error = ""
        answer = None
        try:
            if args.stream:
                for piece in tg.ask_stream(item.question, history=history):
                    answer = piece
            else:
                answer = tg.ask(item.question, history=history)
        except Exception as exc:  # noqa: BLE001 - a broken question is reported, the run goes on
            error = f"{type(exc).__name__}: {exc}"[:300]
        latency = time.perf_counter() - started
        calls = recorder.calls[calls_before:]
        replies = [c["reply"] for c in calls if not c["error"]]
        written = sum(len(split_reply(r)) for r in replies)
        verdicts: Counter = Counter()
        sentences = []
        if verifications is not None:
            for v in verifications[checks_before:]:
                verdicts.update(c.verdict for c in v.checked)
                sentences += [{"claim": c.claim[:300], "cited": list(c.cited), "verdict": c.verdict,
                               "best_support": round(max((x.score for x in c.scores.values()), default=0.0), 3)
                               if c.scores else None} for c in v.checked]
            survived, method = verdicts.get("supported", 0), "verifier"
        else:
            removed = REMOVED_RE.search(answer.notice if answer else "")
            survived = (max(0, written - int(removed.group(1))) if removed else written) \
                if answer is not None and answer.mode == "llm" else 0
            method = "notice"
        outcome = classify(answer, bool(calls)) if answer is not None else "error"
        row = {
            "id": item.id, "question": item.question, "type": item.type, "latency_s": round(latency, 3),
            "baseline_latency_s": round(baseline[item.id], 3) if item.id in baseline else None,
            "mode": answer.mode if answer else None, "refused": answer.refused if answer else None,
            "outcome": outcome, "notice": answer.notice if answer else "", "error": error,
            "llm_calls": len(calls), "llm_seconds": round(sum(c["seconds"] for c in calls), 3),
            "input_tokens": sum(c["input_tokens"] or 0 for c in calls),
            "output_tokens": sum(c["output_tokens"] or 0 for c in calls),
            "finish_reasons": [c["finish_reason"] for c in calls],
            "llm_errors": [c["error"] for c in calls if c["error"]],
            "sentences_written": written, "sentences_survived": survived, "survival_method": method,
            "verdicts": dict(verdicts), "sentences": sentences,
            "citations": len(answer.citations) if answer else 0,
            "reply": "\n---\n".join(c["reply"] for c in calls), "answer": answer.text if answer else "",
        }
        rows.append(row)
        print(f"[{number:>2}/{len(items)}] {latency:6.1f} s  {outcome:<38} "
              f"{survived}/{written} sentences kept  {item.id}" + (f"  ERROR {error}" if error else ""))

    latencies = [r["latency_s"] for r in rows if not r["error"]]
    base = [r["baseline_latency_s"] for r in rows if r["baseline_latency_s"] is not None]
    calls = [c for c in recorder.calls if not c["error"] and c["output_tokens"]]
    gen_seconds = sum(c["seconds"] for c in calls)
    summary = {
        "questions": len(rows),
        "errors": sum(bool(r["error"]) for r in rows),
        "llm_answers": sum(r["mode"] == "llm" for r in rows),
        "extractive_answers": sum(r["mode"] == "extractive" for r in rows),
        "outcomes": dict(Counter(r["outcome"] for r in rows)),
        "llm_calls": len(recorder.calls),
        "llm_call_failures": dict(Counter(c["error"].split(":")[0] for c in recorder.calls if c["error"])),
        "sentences_written": sum(r["sentences_written"] for r in rows),
        "sentences_survived": sum(r["sentences_survived"] for r in rows),
        "verdicts": dict(sum((Counter(r["verdicts"]) for r in rows), Counter())),
        "survival_method": "verifier" if verifications is not None else "notice",
        "latency_p50_s": percentile(latencies, 0.5), "latency_p95_s": percentile(latencies, 0.95),
        "baseline_latency_p50_s": percentile(base, 0.5), "baseline_latency_p95_s": percentile(base, 0.95),
        "prompt_tokens_mean": round(statistics.mean(c["input_tokens"] or 0 for c in calls), 1) if calls else None,
        "output_tokens_total": sum(c["output_tokens"] for c in calls),
        "finish_reasons": dict(Counter(str(c["finish_reason"]) for c in recorder.calls)),
        # whole-call rate (prompt processing included): what a user waits for per token written
        "output_tokens_per_s_end_to_end": round(sum(c["output_tokens"] for c in calls) / gen_seconds, 1)
        if gen_seconds else None,
    }
    written, survived = summary["sentences_written"], summary["sentences_survived"]
    print()
    print(f"questions: {summary['questions']} ({summary['errors']} raised)")
    print(f"answers: {summary['llm_answers']} LLM, {summary['extractive_answers']} extractive  "
          f"{summary['outcomes']}")
    print(f"sentences: {written} written by the model, {survived} survived verification"
          + (f" ({100 * survived / written:.0f}%)" if written else "") + f"  verdicts {summary['verdicts']}"
          + f"  [counted via {summary['survival_method']}]")
    print(f"latency with LLM: p50 {summary['latency_p50_s']} s, p95 {summary['latency_p95_s']} s; "
          f"extractive only: p50 {summary['baseline_latency_p50_s']} s, p95 {summary['baseline_latency_p95_s']} s")
    print(f"model: {summary['llm_calls']} calls, failures {summary['llm_call_failures'] or 'none'}, "
          f"mean prompt {summary['prompt_tokens_mean']} tokens, {summary['output_tokens_total']} tokens written, "
          f"{summary['output_tokens_per_s_end_to_end']} tokens/s end to end, finish {summary['finish_reasons']}")

    if args.out:
        payload = {"base_url": args.base_url, "model": model, "llm": settings.llm,
                   "timeout_s": settings.llm_timeout, "path": "ask_stream" if args.stream else "ask",
                   "gold": str(args.gold), "limit": args.limit, "index_seconds": round(index_seconds, 1),
                   "summary": summary, "items": rows}
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"report: {args.out}")
    if args.home is None and not args.keep_home:
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
