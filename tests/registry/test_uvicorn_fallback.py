"""Uvicorn upgrades: a tested upper bound, and a registry that serves without its internals.

``rawbody.py`` subclasses uvicorn's private ``HttpToolsProtocol`` (it saves a
third of a checked upload's time, see ``ingest``). A release that moves it
must not break ``registry serve`` or the window's first run: pyproject.toml
bounds uvicorn to the releases tested, and where the private class is missing
anyway (a user upgraded by hand), the server falls back to uvicorn's stock
protocol and stays correct.
"""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import tomllib
from packaging.requirements import Requirement
from registry_helpers import Api, files_in, model_files, push_proxy

ROOT = Path(__file__).resolve().parents[2]
STOCK = "Serving with uvicorn's stock HTTP protocol"

# Run by the server at start-up (Python imports ``sitecustomize`` from its path):
# the module rawbody.py imports can no longer be imported, as if a release had
# moved it, while uvicorn's own choice of protocol ("auto", loaded first) works.
HIDE_PRIVATE_MODULE = """\
import sys
import uvicorn.protocols.http.auto
sys.modules["uvicorn.protocols.http.httptools_impl"] = None
"""


def test_uvicorn_has_an_upper_bound_that_the_tested_release_meets() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    specs = list(project["project"]["dependencies"])
    for extra in project["project"]["optional-dependencies"].values():
        specs += extra
    [uvicorn] = [Requirement(spec) for spec in specs if Requirement(spec).name == "uvicorn"]
    assert any(bound.operator in ("<", "<=", "~=", "==") for bound in uvicorn.specifier), (
        f"{uvicorn} has no upper bound: a new uvicorn could break rawbody.py unseen"
    )
    installed = version("uvicorn")
    assert uvicorn.specifier.contains(installed), (
        f"uvicorn {installed} is outside {uvicorn.specifier}: run tests/registry on it, "
        "then move the bound in pyproject.toml"
    )


def test_the_private_protocol_is_used_where_uvicorn_has_it(registry) -> None:
    files = model_files("fast", "v1", {"weights.bin": b"w" * 3_000_000})
    api = Api(registry)
    assert push_proxy(api, "fast", "v1", files).status_code == 200
    assert STOCK not in registry.log_text()


def test_without_uvicorns_private_protocol_the_registry_serves_uploads(
    registry_factory, tmp_path, monkeypatch
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(HIDE_PRIVATE_MODULE, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(site))
    server = registry_factory()
    assert STOCK in server.log_text()
    api = Api(server)
    files = model_files("plain", "v1", {"weights.bin": bytes(range(256)) * 12_289})
    response = push_proxy(api, "plain", "v1", files)
    assert response.status_code == 200, response.text
    assert response.json()["upload_status"] == "success"
    download = api.get(api.model("plain", "v1", "download"))
    assert download.status_code == 200
    assert files_in(download.content) == files
