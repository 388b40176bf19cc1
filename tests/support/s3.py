"""An S3 server process for tests: moto's server mode, speaking the S3 HTTP API on loopback.

The registry reaches it through the same boto3 code production runs (no
in-process mock): ``--storage s3://bucket/prefix`` plus AWS's own environment
variables, as an operator would configure it. One server per test session
(per xdist worker), on 127.0.0.1 and a free port; each test gets a bucket of
its own. The server is stopped at the end of the session and gets SIGTERM if
the test process dies first (``PR_SET_PDEATHSIG``).

Without moto the tests that need it are skipped, except under ``CI=true``,
where a missing moto is an installation bug and fails them.

    def test_something(s3_bucket, registry_factory):
        server = registry_factory(strategy="presigned", s3=s3_bucket)
        s3_bucket.client().list_objects_v2(Bucket=s3_bucket.name)
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from support.processes import die_with_parent, free_port
from support.procstat import cpu_seconds

START_TIMEOUT = 30.0
ACCESS_KEY = "moto-test-key"
SECRET_KEY = "moto-test-secret"
REGION = "us-east-1"


def _moto_command() -> list[str] | None:
    venv_bin = Path(sys.executable).parent
    for candidate in (venv_bin / "moto_server", shutil.which("moto_server")):
        if candidate and Path(candidate).exists():
            return [str(candidate)]
    return None


@dataclass
class S3Server:
    endpoint: str
    process: subprocess.Popen[bytes]

    def env(self) -> dict[str, str]:
        """AWS's own variables that point boto3 (ours and the test's) at this server."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
        }

    def client(self) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.session.Session().client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
        )

    def bucket(self, name: str | None = None) -> S3Bucket:
        """A new, empty bucket on this server."""
        name = name or "bentosync-" + secrets.token_hex(6)
        self.client().create_bucket(Bucket=name)
        return S3Bucket(self, name)

    def cpu_seconds(self) -> float:
        """User + system CPU the server process has used so far (benchmarks)."""
        return cpu_seconds(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@dataclass
class S3Bucket:
    """One test's bucket (created), and the ``--storage`` URL naming it with a prefix."""

    server: S3Server
    name: str
    prefix: str = "team/registry"

    @property
    def storage_url(self) -> str:
        return f"s3://{self.name}/{self.prefix}"

    def env(self) -> dict[str, str]:
        return self.server.env()

    def client(self) -> Any:
        return self.server.client()

    def object_keys(self) -> list[str]:
        listed = self.client().list_objects_v2(Bucket=self.name)
        return [item["Key"] for item in listed.get("Contents", [])]

    def object_key(self, uid: str) -> str:
        return f"{self.prefix}/models/{uid}"


def start_moto(log_path: Path) -> S3Server:
    command = _moto_command()
    if command is None:
        message = "moto_server is not installed (pip install 'moto[server]')"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    port = free_port()
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [*command, "-H", "127.0.0.1", "-p", str(port)],
            stdout=log,
            stderr=log,
            preexec_fn=die_with_parent(),
        )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            requests.get(endpoint + "/", timeout=1)
            return S3Server(endpoint, process)
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    process.wait(timeout=10)
    raise RuntimeError(f"moto_server did not start; its log:\n{log_path.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """One moto S3 server for the session (per xdist worker)."""
    server = start_moto(tmp_path_factory.mktemp("moto") / "moto.log")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def s3_bucket(s3_server: S3Server) -> S3Bucket:
    """A fresh, empty bucket for one test."""
    return s3_server.bucket()
