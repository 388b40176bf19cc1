"""The team recipe's reverse proxy (``packaging/registry/config/nginx.conf``), run for real.

The recipe's file is used as written, with only what a test machine needs
changed: its listen ports become free ports on 127.0.0.1, the compose service
names in ``server`` lines become the addresses of the test's own replicas and
S3 server, and logs and temp files go to a folder of the test's. Everything
else (buffering off, least_conn, which failures are retried, the Host header
kept for presigned URLs) is what the recipe ships, so a test through this
proxy tests the recipe.
"""

from __future__ import annotations

import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from support.processes import die_with_parent, free_port

ROOT = Path(__file__).resolve().parents[2]
RECIPE_CONF = ROOT / "packaging" / "registry" / "config" / "nginx.conf"
API_LISTEN = "listen 8080;"
S3_LISTEN = "listen 9000;"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None
    )


def render(
    conf: str, *, api_port: int, s3_port: int, upstreams: dict[str, str], folder: Path
) -> str:
    """The recipe's config for this machine: see the module docstring for what changes."""
    for needle in (API_LISTEN, S3_LISTEN):
        if needle not in conf:
            raise AssertionError(f"The recipe's nginx.conf no longer has {needle!r}")
    conf = conf.replace(API_LISTEN, f"listen 127.0.0.1:{api_port};")
    conf = conf.replace(S3_LISTEN, f"listen 127.0.0.1:{s3_port};")
    for service, address in upstreams.items():
        conf, count = re.subn(
            rf"\bserver {re.escape(service)}(?::\d+)?(?=[\s;])", f"server {address}", conf
        )
        if not count:
            raise AssertionError(f"The recipe's nginx.conf has no upstream {service!r}")
    conf = conf.replace("access_log /dev/stdout", f"access_log {folder / 'access.log'}")
    temp_paths = "".join(
        f"    {kind}_temp_path {folder / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return conf.replace("http {\n", "http {\n" + temp_paths, 1)


@dataclass
class Nginx:
    process: subprocess.Popen[bytes]
    folder: Path
    api_port: int
    s3_port: int

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def s3_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.s3_port}"

    def access_log(self) -> str:
        path = self.folder / "access.log"
        return path.read_text(encoding="utf-8") if path.exists() else ""

    def upstreams_used(self) -> set[str]:
        """Every upstream address the access log names (``$upstream_addr``)."""
        used: set[str] = set()
        for line in self.access_log().splitlines():
            for address in line.rsplit(" ", 1)[-1].split(","):
                if address.strip() and address.strip() != "-":
                    used.add(address.strip())
        return used

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # nginx's graceful stop
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def start_nginx(folder: Path, upstreams: dict[str, str]) -> Nginx:
    """nginx in the foreground with the rendered recipe; raises if it does not listen."""
    binary = nginx_binary()
    if binary is None:
        pytest.fail("nginx is not installed: run `make system-deps` (Debian's nginx-light).")
    folder.mkdir(parents=True, exist_ok=True)
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        # Workers drop root for nobody when the master runs as root (as in CI).
        (folder / kind).mkdir(exist_ok=True)
        (folder / kind).chmod(0o777)
    api_port, s3_port = free_port(), free_port()
    conf = render(
        RECIPE_CONF.read_text(encoding="utf-8"),
        api_port=api_port,
        s3_port=s3_port,
        upstreams=upstreams,
        folder=folder,
    )
    conf_path = folder / "nginx.conf"
    conf_path.write_text(conf, encoding="utf-8")
    globals_ = f"daemon off; pid {folder / 'nginx.pid'}; error_log {folder / 'error.log'} info;"
    check = subprocess.run(
        [binary, "-t", "-p", str(folder), "-c", str(conf_path), "-g", globals_],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if check.returncode != 0:
        raise AssertionError(f"nginx -t refused the recipe's config:\n{check.stderr}")
    process = subprocess.Popen(
        [binary, "-p", str(folder), "-c", str(conf_path), "-g", globals_],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=die_with_parent(),
    )
    proxy = Nginx(process, folder, api_port, s3_port)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"nginx exited: {process.stderr.read().decode() if process.stderr else ''}"
            )
        try:
            with socket.create_connection(("127.0.0.1", api_port), timeout=1):
                return proxy
        except OSError:
            time.sleep(0.05)
    proxy.stop()
    raise AssertionError("nginx did not listen within 15 s")
