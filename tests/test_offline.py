"""Offline: with every non-loopback connection and name lookup blocked, and the Hugging Face offline
variables NOT set by the caller, a fresh process indexes, answers, reviews and drafts end to end, and
nothing even tries the network (no model hub, no telemetry)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration   # the child process loads the real model

ROOT = Path(__file__).resolve().parent.parent

CHILD = r'''
import json, os, socket, sys
attempts = []
LOOPBACK = ("127.", "::1", "localhost")

def blocked(host):
    return isinstance(host, str) and not host.startswith(LOOPBACK)

real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
real_getaddrinfo, real_create = socket.getaddrinfo, socket.create_connection

def connect(sock, address):
    host = address[0] if isinstance(address, tuple) else str(address)
    if sock.family != socket.AF_UNIX and blocked(host):
        attempts.append(f"connect {address}")
        raise OSError(101, "Network is unreachable (blocked by test)")
    return real_connect(sock, address)

def connect_ex(sock, address):
    try:
        connect(sock, address)
        return 0
    except OSError as exc:
        return exc.errno or 1

def getaddrinfo(host, *args, **kwargs):
    if blocked(host if not isinstance(host, bytes) else host.decode()):
        attempts.append(f"getaddrinfo {host}")
        raise socket.gaierror(-3, "Temporary failure in name resolution (blocked by test)")
    return real_getaddrinfo(host, *args, **kwargs)

def create_connection(address, *args, **kwargs):
    if blocked(address[0]):
        attempts.append(f"create_connection {address}")
        raise OSError(101, "Network is unreachable (blocked by test)")
    return real_create(address, *args, **kwargs)

socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
socket.getaddrinfo, socket.create_connection = getaddrinfo, create_connection

from pathlib import Path
from assistant.config import Settings
from assistant.twinguard import TwinGuard

home, corpus, builtin = (Path(a) for a in sys.argv[1:4])
out = {}
tg = TwinGuard(Settings(home=home, corpus=corpus))
report = tg.index()
out["indexed"] = len(report.added)
answer = tg.ask("Can my agency make a digital twin of me without asking?")
out["cited"] = len(answer.citations)
try:
    result = tg.review("1. The Agency may create a digital replica of the Model and use it in perpetuity "
                    "without further consent.\n2. The Agency may use the scans to train AI models.\n"
                    "3. This agreement is governed by the laws of New York.")
    out["findings"] = len(result.findings)
except ImportError as exc:
    out["findings"] = f"review missing: {exc}"
try:
    from assistant.draft.clauselib import load_library
    from assistant.draft.assemble import draft_rider
    from assistant.draft.request import parse_request
    rider = draft_rider(parse_request("12-month e-commerce licence, EUR 500 per use, EU"),
                        load_library(builtin), tg)
    out["rider_clauses"] = len(rider.clauses)
except ImportError as exc:
    out["rider_clauses"] = f"drafting missing: {exc}"
import huggingface_hub.constants as hf
out["hf_offline_constant"] = bool(hf.HF_HUB_OFFLINE)
out["env"] = {k: os.environ.get(k) for k in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY")}
out["attempts"] = attempts
print("RESULT " + json.dumps(out))
'''


def test_index_ask_review_draft_without_network(tmp_path):
    import shutil

    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "tests" / "data" / "corpus", corpus)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HF_", "TRANSFORMERS_", "SENTENCE_TRANSFORMERS", "ANONYMIZED_TELEMETRY",
                                "CHROMA_", "TWINGUARD_"))}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "home"), str(corpus), str(ROOT / "corpus")],
                          capture_output=True, text=True, env=env, timeout=600, cwd=tmp_path)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, proc.stderr[-3000:]
    out = json.loads(lines[-1][len("RESULT "):])
    assert out["attempts"] == [], out["attempts"]
    assert out["indexed"] == 4 and out["cited"] >= 1
    assert isinstance(out["findings"], int) and out["findings"] >= 1, out["findings"]
    assert isinstance(out["rider_clauses"], int) and out["rider_clauses"] >= 3, out["rider_clauses"]
    assert out["env"] == {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1"}
    assert out["hf_offline_constant"], "huggingface_hub was imported before force_offline() ran"
