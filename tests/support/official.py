"""Drive the official ``bentoml`` client, installed in a venv of its own.

The interop tests never import bentoml into our interpreter: its pins must not
shape ours, and running it as a separate process is how users run it too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def official_python() -> Path | None:
    configured = os.environ.get("BENTOSYNC_OFFICIAL_PYTHON")
    candidate = Path(configured) if configured else ROOT / ".venv-bentoml" / "bin" / "python"
    return candidate if candidate.exists() else None


@dataclass
class OfficialClient:
    """Runs Python snippets and the ``bentoml`` CLI from the official venv."""

    python: Path

    @property
    def cli(self) -> Path:
        return self.python.parent / "bentoml"

    def env(self, home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("BENTO_CLOUD_", "BENTOCLOUD_", "BENTOML_"))
        }
        env.update(
            BENTOML_HOME=str(home),
            BENTOML_DO_NOT_TRACK="true",
            BENTOML_DISABLE_GPU_ALLOCATION="true",
            PYTHONWARNINGS="ignore",
        )
        env.update(extra or {})
        return env

    def run_python(
        self, code: str, home: Path, extra_env: dict[str, str] | None = None, timeout: float = 300
    ) -> object:
        """Run ``code`` in the official venv; it must print one JSON line last."""
        proc = subprocess.run(
            [str(self.python), "-c", textwrap.dedent(code)],
            env=self.env(home, extra_env),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if proc.returncode != 0:
            raise AssertionError(f"official python failed:\n{proc.stdout}\n{proc.stderr}")
        return json.loads(proc.stdout.strip().splitlines()[-1])

    def run_cli(
        self,
        args: list[str],
        home: Path,
        extra_env: dict[str, str] | None = None,
        timeout: float = 600,
        check: bool = True,
    ) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [str(self.cli), *args],
            env=self.env(home, extra_env),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and proc.returncode != 0:
            raise AssertionError(
                f"bentoml {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
            )
        return proc


@pytest.fixture(scope="session")
def official() -> OfficialClient:
    python = official_python()
    if python is None:
        if os.environ.get("CI"):
            pytest.fail("The official bentoml venv is missing; `make test` installs it.")
        pytest.skip("official bentoml venv not installed (run `make official-client`)")
    return OfficialClient(python)


__all__ = ["OfficialClient", "official", "official_python", "sys"]
