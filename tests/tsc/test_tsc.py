"""The simulator as Tableau's own Python client (tableauserverclient) sees it.

Each test starts the built binary, `deckgen simulate --listen 127.0.0.1:0`, reads the bound
address and the demo token from its first lines of output, and drives it with TSC. Set
DECKGEN_BIN to use another binary than target/debug/deckgen.

    python3 -m venv /tmp/tscvenv
    /tmp/tscvenv/bin/pip install -r tests/tsc/requirements.txt
    /tmp/tscvenv/bin/python -m pytest tests/tsc
"""

from __future__ import annotations

import json
import os
import queue
import struct
import subprocess
import tempfile
import threading
import time
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import tableauserverclient as TSC

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("DECKGEN_BIN", ROOT / "target" / "debug" / "deckgen"))
STARTUP_SECONDS = 20


@dataclass
class Simulator:
    """A running `deckgen simulate` and what it printed about itself."""

    process: subprocess.Popen
    url: str
    site: str
    token_name: str
    token_secret: str

    def stats(self) -> dict:
        with urllib.request.urlopen(f"{self.url}/_simulator/stats", timeout=10) as response:
            return json.load(response)

    def auth(self) -> TSC.PersonalAccessTokenAuth:
        return TSC.PersonalAccessTokenAuth(self.token_name, self.token_secret, site_id=self.site)


def read_lines(process: subprocess.Popen, count: int) -> list[str]:
    """The first `count` lines of the simulator's stdout, failing the test if they do not come."""
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in process.stdout:
            lines.put(line.strip())

    threading.Thread(target=pump, daemon=True).start()
    got = []
    deadline = time.monotonic() + STARTUP_SECONDS
    while len(got) < count:
        try:
            got.append(lines.get(timeout=max(0.0, deadline - time.monotonic())))
        except queue.Empty:
            process.kill()
            pytest.fail(f"the simulator printed {got} and exited with {process.wait()}")
    return got


@pytest.fixture
def start_simulator():
    """Starts simulators with extra options; stops every one of them after the test."""
    if not BINARY.is_file():
        pytest.fail(f"{BINARY} does not exist: run `cargo build` first or set DECKGEN_BIN")
    started: list[subprocess.Popen] = []
    logs: list = []

    def start(*options: str) -> Simulator:
        command = [str(BINARY), "simulate", "--listen", "127.0.0.1:0", *options]
        # stderr goes to a file: a pipe nobody reads could fill up and stall the simulator.
        log = tempfile.TemporaryFile(mode="w+")
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True)
        logs.append(log)
        started.append(process)
        listening, *rest = read_lines(process, 4)
        assert listening.startswith("listening on http://"), listening
        fields = dict(line.partition(": ")[::2] for line in rest)
        return Simulator(
            process=process,
            url=listening.removeprefix("listening on "),
            site=fields["site"],
            token_name=fields["token name"],
            token_secret=fields["token secret"],
        )

    yield start
    for process in started:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
    for log in logs:
        log.close()


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", data[:16]
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def high_resolution(region: str) -> TSC.ImageRequestOptions:
    options = TSC.ImageRequestOptions(
        imageresolution=TSC.ImageRequestOptions.Resolution.High, maxage=1
    )
    return options.vf("Region", region)


def test_pages_views_renders_filtered_images_downloads_and_signs_out(start_simulator, tmp_path):
    sim = start_simulator()
    server = TSC.Server(sim.url, use_server_version=True)
    server.auth.sign_in(sim.auth())
    assert server.version == "3.28"

    views = list(TSC.Pager(server.views))
    _, pagination = server.views.get()
    assert len(views) == pagination.total_available
    assert len(views) > 100
    assert len({view.id for view in views}) == len(views)

    projects = {project.name: project.id for project in TSC.Pager(server.projects)}
    assert {"Safety", "Operations", "Archive", "Sandbox"} <= set(projects)
    named = [view for view in views if view.name == "Incidents"]
    assert len(named) == 2, "the Archive project has an Incidents dashboard too"
    (incidents,) = [view for view in named if view.project_id == projects["Safety"]]
    assert incidents.content_url == "SafetyOverview/sheets/Incidents"

    server.views.populate_image(incidents, high_resolution("North"))
    north = incidents.image
    assert png_size(north) == (2400, 1600)
    server.views.populate_image(incidents, high_resolution("South"))
    south = incidents.image
    assert png_size(south) == (2400, 1600)
    assert north != south
    server.views.populate_image(incidents, high_resolution("North"))
    assert incidents.image == north, "the same request gives the same bytes"

    path = Path(server.workbooks.download(incidents.workbook_id, filepath=tmp_path, include_extract=False))
    assert path.name == "Safety Overview.twbx"
    with zipfile.ZipFile(path) as package:
        assert "Safety Overview.twb" in package.namelist()
        twb = package.read("Safety Overview.twb").decode("utf-8")
    assert twb.startswith("<?xml ")
    assert "<dashboard name='Incidents'>" in twb

    server.auth.sign_out()
    stats = sim.stats()
    assert stats["open_sessions"] == 0
    assert (stats["sign_ins"], stats["sign_outs"], stats["renders"]) == (1, 1, 3)


def test_list_filters_travel_form_encoded(start_simulator):
    sim = start_simulator()
    server = TSC.Server(sim.url, use_server_version=True)
    with server.auth.sign_in(sim.auth()):
        options = TSC.RequestOptions()
        options.filter.add(
            TSC.Filter(TSC.RequestOptions.Field.Name, TSC.RequestOptions.Operator.Equals, "Fleet Mix")
        )
        found, pagination = server.views.get(options)
        assert [view.content_url for view in found] == ["FleetOperations/sheets/FleetMix"]
        assert pagination.total_available == 1

        options = TSC.RequestOptions(pagesize=1)
        options.filter.add(
            TSC.Filter(
                TSC.RequestOptions.Field.Name,
                TSC.RequestOptions.Operator.In,
                ["Incidents", "Fleet Mix"],
            )
        )
        found = list(TSC.Pager(server.views, options))
        assert sorted(view.name for view in found) == ["Fleet Mix", "Incidents", "Incidents"]

        workbook = server.workbooks.get_by_id(found[0].workbook_id)
        server.workbooks.populate_views(workbook)
        assert found[0].id in {view.id for view in workbook.views}
    assert sim.stats()["open_sessions"] == 0


def test_namespace_prefix_without_declaration(start_simulator):
    sim = start_simulator("--xml-prefix", "ns0")
    raw = requests.get(f"{sim.url}/api/3.28/serverinfo", timeout=10).text
    assert raw.startswith('<ns0:tsResponse xmlns:ns0="http://tableau.com/api">'), raw[:80]

    server = TSC.Server(sim.url, use_server_version=True)
    server.auth.sign_in(sim.auth())
    assert server.version == "3.28"
    views = list(TSC.Pager(server.views))
    assert len(views) > 100
    (trend,) = [view for view in views if view.content_url == "SafetyOverview/sheets/MonthlyTrend"]
    server.views.populate_image(trend)
    assert png_size(trend.image) == (800, 600)
    server.auth.sign_out()
    assert sim.stats()["open_sessions"] == 0


def test_sign_in_follows_the_301_to_the_second_listener(start_simulator):
    sim = start_simulator("--redirect-signin")
    first = requests.post(f"{sim.url}/api/3.28/auth/signin", data=b"<tsRequest/>", allow_redirects=False, timeout=10)
    assert first.status_code == 301
    location = first.headers["Location"]
    assert location.endswith("/api/3.28/auth/signin") and not location.startswith(sim.url + "/")

    server = TSC.Server(sim.url, use_server_version=True)
    server.auth.sign_in(sim.auth())
    assert server.auth_token
    found, pagination = server.views.get(TSC.RequestOptions(pagesize=5))
    assert len(found) == 5 and pagination.total_available > 100
    stats = sim.stats()
    assert (stats["sign_ins"], stats["open_sessions"]) == (1, 1)
    server.auth.sign_out()
    assert sim.stats()["open_sessions"] == 0


def test_a_wrong_secret_is_a_sign_in_error(start_simulator):
    sim = start_simulator()
    server = TSC.Server(sim.url)
    wrong = TSC.PersonalAccessTokenAuth(sim.token_name, "not-the-secret", site_id=sim.site)
    with pytest.raises(TSC.FailedSignInError) as failure:
        server.auth.sign_in(wrong)
    assert failure.value.code == "401001"
    assert sim.stats()["sign_ins"] == 0
