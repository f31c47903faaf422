"""Fixtures for the checks: a web server on the loopback address, a repository to read."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import git_folder
from tests.verify.server import Site, serve


@pytest.fixture
def site() -> Iterator[Site]:
    """A web server on 127.0.0.1, port chosen by the system, stopped after the test."""
    yield from serve()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A folder that is a repository's root (it holds ``.git``), found without git."""
    root = tmp_path / "repo"
    git_folder(root)
    return root


def commit_all(root: Path) -> None:
    """Make ``root`` a git repository (if it is not one yet) holding everything in it, in
    one commit with a fixed author and date."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.com",
        "GIT_AUTHOR_DATE": "2027-01-01T12:00:00+00:00",
        "GIT_COMMITTER_DATE": "2027-01-01T12:00:00+00:00",
    }
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "files"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate and its key for 127.0.0.1, made by openssl."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    made = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        capture_output=True,
        check=False,
    )  # fmt: skip
    if made.returncode != 0:
        pytest.skip("openssl could not make a certificate")
    return cert, key
