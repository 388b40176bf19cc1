"""Building model archives and talking to a test registry the way clients do."""

from __future__ import annotations

import hashlib
import io
import socket
import tarfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

import requests
import yaml

from bentosync.core.filelist import METADATA_KEY, Checksums, FileEntry
from bentosync.core.modelinfo import new_model_document
from bentosync.core.tags import Tag
from support.registry import RegistryServer


def wait_for(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.05)


class Api:
    """A requests session with the token, addressing paths under /api/v1."""

    def __init__(self, server: RegistryServer, token: str | None = None) -> None:
        self.server = server
        self.session = requests.Session()
        self.session.headers["X-YATAI-API-TOKEN"] = server.token if token is None else token
        self.session.headers["X-Bentoml-Version"] = "1.4.39"

    def url(self, path: str) -> str:
        return self.server.api + path

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", 60)
        return self.session.request(method, self.url(path), **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PATCH", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def model(self, name: str, version: str, action: str = "") -> str:
        path = f"/model_repositories/{name}/models/{version}"
        return f"{path}/{action}" if action else path

    def ok(self, response: requests.Response) -> dict[str, Any]:
        assert response.status_code == 200, f"{response.status_code}: {response.text}"
        return response.json()  # type: ignore[no-any-return]


def model_yaml(name: str, version: str, when: datetime | None = None) -> bytes:
    document = new_model_document(Tag(name, version), creation_time=when)
    return yaml.safe_dump(document, sort_keys=False).encode()


def model_files(name: str, version: str, extra: dict[str, bytes] | None = None) -> dict[str, bytes]:
    files = {"model.yaml": model_yaml(name, version)}
    files.update(extra or {"weights.bin": b"w" * 5000, "sub/cfg.json": b'{"a": 1}'})
    return files


def make_tar(
    files: dict[str, bytes],
    *,
    mode: str = "w:",
    symlinks: dict[str, str] | None = None,
    extra: list[tuple[tarfile.TarInfo, bytes | None]] | None = None,
) -> bytes:
    """An archive laid out like the official client's: ``.`` first, then ``./path``."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as tar:  # type: ignore[call-overload]
        root = tarfile.TarInfo(".")
        root.type, root.mode = tarfile.DIRTYPE, 0o700
        tar.addfile(root)
        dirs = sorted(
            {"/".join(p.split("/")[:i]) for p in files for i in range(1, p.count("/") + 1)}
        )
        for folder in dirs:
            info = tarfile.TarInfo(f"./{folder}")
            info.type, info.mode = tarfile.DIRTYPE, 0o755
            tar.addfile(info)
        for path in sorted(files):
            info = tarfile.TarInfo(f"./{path}")
            info.size = len(files[path])
            tar.addfile(info, io.BytesIO(files[path]))
        for path, target in (symlinks or {}).items():
            info = tarfile.TarInfo(f"./{path}")
            info.type, info.linkname = tarfile.SYMTYPE, target
            tar.addfile(info)
        for info, data in extra or []:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return buffer.getvalue()


def file_list(files: dict[str, bytes]) -> dict[str, Any]:
    """The checksums value BentoSync puts under ``manifest.metadata[METADATA_KEY]``."""
    return Checksums.of(
        FileEntry(p, len(d), hashlib.sha256(d).hexdigest()) for p, d in files.items()
    ).to_metadata_value()


def stored_list(manifest: dict[str, Any]) -> dict[str, Any] | None:
    """The checksums value a manifest carries, None if it has none."""
    value = (manifest.get("metadata") or {}).get(METADATA_KEY)
    return value if isinstance(value, dict) else None


def create_body(
    version: str,
    files: dict[str, bytes],
    *,
    with_list: bool = True,
    labels: dict[str, str] | None = None,
    build_at: datetime | None = None,
) -> dict[str, Any]:
    manifest: dict[str, Any] = {
        "module": "",
        "api_version": "v1",
        "bentoml_version": "1.4.39",
        "size_bytes": sum(len(d) for d in files.values()),
        "metadata": {"owner": "tests"},
        "context": {"framework_name": "", "framework_versions": {}},
        "options": {},
    }
    if with_list:
        manifest["metadata"][METADATA_KEY] = file_list(files)
    when = build_at or datetime.now(timezone.utc)
    return {
        "description": "",
        "version": version,
        "manifest": manifest,
        "build_at": when.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f"),
        "labels": [{"key": k, "value": v} for k, v in (labels or {}).items()],
    }


def create_model(
    api: Api,
    name: str,
    version: str,
    files: dict[str, bytes] | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """Repository (if needed) and model record, as the official push does."""
    files = files if files is not None else model_files(name, version)
    if api.get(f"/model_repositories/{name}").status_code == 404:
        api.ok(api.post("/model_repositories", json={"name": name, "description": ""}))
    return api.ok(
        api.post(f"/model_repositories/{name}/models", json=create_body(version, files, **kwargs))
    )


def begin_upload(
    api: Api,
    name: str,
    version: str,
    files: dict[str, bytes] | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """create + start_upload, as every push begins; returns the created record."""
    created = create_model(api, name, version, files, **kwargs)
    api.ok(api.patch(api.model(name, version, "start_upload")))
    return created


def push_proxy(
    api: Api, name: str, version: str, files: dict[str, bytes] | None = None, **kwargs: Any
) -> requests.Response:
    """create + start_upload + PUT /upload; returns the PUT response."""
    files = files if files is not None else model_files(name, version)
    begin_upload(api, name, version, files, **kwargs)
    return api.put(
        api.model(name, version, "upload"),
        data=make_tar(files),
        headers={"Content-Type": "application/octet-stream"},
    )


@contextmanager
def cut_short(
    port: int, target: str, body: bytes, headers: dict[str, str] | None = None
) -> Iterator[None]:
    """PUT ``target`` announcing all of ``body`` but sending half; hang up on leaving the block."""
    lines = [f"PUT {target} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}"]
    lines += [f"{key}: {value}" for key, value in (headers or {}).items()]
    head = ("\r\n".join(lines) + "\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head + body[: len(body) // 2])
        yield


def files_in(archive: bytes) -> dict[str, bytes]:
    """Regular files of an archive, keyed without the ``./`` prefix."""
    out = {}
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar:
            if member.isfile():
                handle = tar.extractfile(member)
                assert handle is not None
                out[member.name.removeprefix("./")] = handle.read()
    return out


# ---- multipart, as the official client does it (PROTOCOL.md 4, step 8) ----------------


def split(data: bytes, parts: int) -> list[bytes]:
    size = -(-len(data) // parts)
    return [data[i : i + size] for i in range(0, len(data), size)]


def start_multipart(
    api: Api, name: str, version: str, files: dict[str, bytes], **kwargs: Any
) -> str:
    """create + start_upload + start_multipart_upload; returns the upload id."""
    begin_upload(api, name, version, files, **kwargs)
    upload_id = api.ok(api.patch(api.model(name, version, "start_multipart_upload")))["upload_id"]
    assert upload_id
    return str(upload_id)


def put_part(
    api: Api, name: str, version: str, upload_id: str, number: int, data: bytes
) -> requests.Response:
    """presign_multipart_upload_url, then PUT the part to it (no token, like S3)."""
    model = api.ok(
        api.patch(
            api.model(name, version, "presign_multipart_upload_url"),
            json={"upload_id": upload_id, "part_number": number},
        )
    )
    return requests.put(model["presigned_upload_url"], data=data, timeout=60)


def complete_and_finish(
    api: Api, name: str, version: str, upload_id: str, etags: dict[int, str]
) -> requests.Response:
    """complete_multipart_upload with every part, then finish_upload(success)."""
    parts = [{"part_number": n, "etag": etags[n]} for n in sorted(etags)]
    api.ok(
        api.patch(
            api.model(name, version, "complete_multipart_upload"),
            json={"upload_id": upload_id, "parts": parts},
        )
    )
    return api.patch(
        api.model(name, version, "finish_upload"), json={"status": "success", "reason": ""}
    )


def slow_put(
    url: str, archive: bytes, release: threading.Event, headers: dict[str, str] | None = None
) -> threading.Thread:
    """PUT the first half now and the rest after ``release`` (a chunked body)."""
    result: dict[str, object] = {}

    def body() -> Iterator[bytes]:
        yield archive[: len(archive) // 2]
        release.wait(30)
        yield archive[len(archive) // 2 :]

    def run() -> None:
        try:
            result["response"] = requests.put(url, data=body(), headers=headers, timeout=60)
        except requests.RequestException as exc:
            result["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.result = result  # type: ignore[attr-defined]
    thread.start()
    return thread
