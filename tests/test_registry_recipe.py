"""The team registry's deployment recipe (packaging/registry/): valid, and made of flags
that exist. Running it through its real proxy is in tests/registry/test_registry_replicas.py."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from bentosync.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
RECIPE = ROOT / "packaging" / "registry"
COMPOSE = RECIPE / "compose.yaml"


def compose_tool() -> list[str]:
    """docker-compose (Debian's, v1) or ``docker compose`` (v2), whichever is here."""
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if (
        shutil.which("docker")
        and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0
    ):
        return ["docker", "compose"]
    if os.environ.get("CI"):
        pytest.fail("docker-compose is missing: run `make system-deps`.")
    pytest.skip("no Compose tool here (Debian's docker-compose validates the file offline)")


def test_compose_file_passes_the_compose_tools_validation():
    result = subprocess.run(
        [*compose_tool(), "-f", str(COMPOSE), "config", "-q"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=RECIPE,
    )
    assert result.returncode == 0, result.stderr


def test_every_part_has_its_own_configuration_and_nothing_secret_is_filled_in():
    recipe = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    services = recipe["services"]
    assert {"proxy", "registry-1", "registry-2", "postgres", "minio"} <= services.keys()
    for name in ("registry-1", "registry-2", "postgres", "minio"):
        env_file = services[name]["env_file"]
        assert (RECIPE / env_file).is_file(), (name, env_file)
    assert "config/nginx.conf" in services["proxy"]["volumes"][0]
    for env_file in (RECIPE / "config").glob("*.env"):
        for line in env_file.read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("=")
            if line.startswith("#") or not value:
                continue
            if any(word in key for word in ("PASSWORD", "TOKEN", "SECRET")):
                assert value.startswith("CHANGE-ME"), f"{env_file.name}: {key} is filled in"


def test_registry_command_uses_flags_registry_serve_accepts():
    recipe = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    command = recipe["services"]["registry-1"]["command"]
    assert recipe["services"]["registry-2"]["command"] == command
    expanded = [
        os.path.expandvars(arg.replace("${BENTOSYNC_PUBLIC_URL:-", "").rstrip("}"))
        if "${" in arg
        else arg
        for arg in command
    ]
    args = build_parser().parse_args(["registry", "serve", *expanded])
    assert args.database.startswith("postgresql://")
    assert "@" in args.database and ":" not in args.database.split("@")[0].removeprefix(
        "postgresql://"
    ), "the database password belongs in PGPASSWORD, not in argv"
    assert args.storage.startswith("s3://")
    assert args.strategy == "multipart" and args.log_format == "json"
