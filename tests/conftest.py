"""Shared fixtures: a fixture corpus indexed once with the real model and real embedded Chroma,
and a guard that fails any test trying to reach the network beyond loopback."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.twinguard import TwinGuard

DATA = Path(__file__).parent / "data"
FIXTURE_CORPUS = DATA / "corpus"
LOOPBACK = ("127.", "::1", "localhost")


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any connection to a non-loopback address is a test failure."""
    real_connect = socket.socket.connect

    def guarded(sock, address):
        host = address[0] if isinstance(address, tuple) else str(address)
        if isinstance(host, str) and not host.startswith(LOOPBACK) and sock.family != socket.AF_UNIX:
            raise AssertionError(f"test tried to reach the network: {address}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    yield


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """No test writes to the user's real data folder: TWINGUARD_HOME defaults to one of the test's own
    (a test or a CLI call that sets its own wins)."""
    monkeypatch.setenv("TWINGUARD_HOME", str(tmp_path / "default-twinguard-home"))


@pytest.fixture(scope="session")
def embedder():
    from assistant.index.embeddings import MiniLMEmbedder

    model = MiniLMEmbedder()
    model.warm_up()
    return model


@pytest.fixture(scope="session")
def indexed(tmp_path_factory, embedder):
    """A TwinGuard over a copy of the fixture corpus, indexed once per test session (read-only use)."""
    root = tmp_path_factory.mktemp("indexed")
    corpus = root / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    tg = TwinGuard(Settings(home=root / "home", corpus=corpus), embedder=embedder)
    report = tg.index()
    assert not report.problems, report.problems
    return tg


@pytest.fixture
def fresh(tmp_path, embedder):
    """A TwinGuard with its own copy of the fixture corpus and an empty data directory."""
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    return TwinGuard(Settings(home=tmp_path / "home", corpus=corpus), embedder=embedder)


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    """Environment for the web app over a copy of the fixture corpus; returns the data directory."""
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    monkeypatch.setenv("TWINGUARD_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TWINGUARD_CORPUS", str(corpus))
    return tmp_path / "home"


@pytest.fixture(scope="session")
def hash_embedder():
    """A fast, deterministic stand-in for the real model (tests/fakes.py): word overlap, no semantics.
    For tests whose assertions do not depend on semantic similarity."""
    from tests.fakes import HashEmbedder

    return HashEmbedder()
