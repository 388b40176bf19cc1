"""``bentosync list --cloud`` pages through a registry bigger than one page, on both flavours.

The registry's rows are written in bulk (``support.big_listing``), so the
test costs a second, not a thousand pushes. The command must print every
version once, in the server's order, as one JSON array exactly as
``json.dumps(..., indent=2)`` prints it, having asked page after page.
"""

from __future__ import annotations

import json
from pathlib import Path

from bentosync.commands.cloud_listing import CLI_PAGE_SIZE
from bentosync.core.cloud import CloudClient
from interop.test_cli_listing import run_list
from support.big_listing import populate_registry

NAMES, PER_NAME = 3, 420  # 1,260 versions: three pages of the CLI's 500


def model_lists(server) -> list[str]:
    """GET /models lines of the server's access log (it leaves the query out)."""
    return [line for line in server.log_text().splitlines() if '"GET /api/v1/models"' in line]


def test_list_cloud_pages_through_every_version(registry_factory, flavor, tmp_path: Path):
    data = tmp_path / "registry-data"
    total = populate_registry(data, names=NAMES, per_name=PER_NAME)
    assert total > 2 * CLI_PAGE_SIZE
    server = registry_factory(data_dir=data, flavor=flavor)
    home = tmp_path / "home"
    home.mkdir()

    out = run_list(["--cloud", "--json"], home, server)
    assert len(model_lists(server)) == 3  # 500 + 500 + 260: asked page by page
    listed = json.loads(out)
    client = CloudClient(server.endpoint, server.token)
    try:
        expected = [m.tag for m in client.iter_all_models(page_size=1000)]
    finally:
        client.close()
    assert [item["tag"] for item in listed] == expected
    assert len(set(expected)) == total
    assert out == json.dumps(listed, indent=2) + "\n"

    table = run_list(["--cloud"], home, server).splitlines()
    assert table[0].split() == ["TAG", "SIZE", "BUILT", "STATUS", "LABELS"]
    assert [line.split()[0] for line in table[1:]] == expected


def test_an_empty_registry_lists_as_an_empty_array(registry, tmp_path: Path):
    home = tmp_path / "home"
    home.mkdir()
    assert run_list(["--cloud", "--json"], home, registry) == "[]\n"
    assert "No models in the cloud registry yet" in run_list(["--cloud"], home, registry)
