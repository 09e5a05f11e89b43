"""Finds the decks the Rust tests wrote and shares the openxml-audit and LibreOffice runs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from expectation import Deck, ExpectationError, load_expectation
from render import Conversion, convert_to_pdf, find_tools

ENV_DECKS = "DECKGEN_CONFORMANCE_DIR"
ENV_RENDER = "DECKGEN_RENDER_DIR"
ENV_SKIP_RENDER = "DECKGEN_SKIP_LIBREOFFICE"
EXPECT_SUFFIX = ".expect.json"

AUDIT_TIMEOUT = 1800

DECKS_KEY = pytest.StashKey[list[Deck]]()
CONVERSION_KEY = pytest.StashKey[Conversion]()


class DeckDiscoveryError(RuntimeError):
    """The folder of decks is missing, empty or inconsistent."""


def discover_decks(folder_setting: str | None) -> list[Deck]:
    """Pair every `<name>.expect.json` with `<name>.pptx` in the conformance folder."""
    if not folder_setting:
        raise DeckDiscoveryError(f"{ENV_DECKS} is not set: no decks to check")
    folder = Path(folder_setting)
    if not folder.is_dir():
        raise DeckDiscoveryError(f"{ENV_DECKS}={folder} is not a folder")
    expects = sorted(folder.glob(f"*{EXPECT_SUFFIX}"))
    if not expects:
        raise DeckDiscoveryError(
            f"{folder} holds no *{EXPECT_SUFFIX}: the Rust tests wrote no deck"
        )
    problems, decks = [], []
    for expect in expects:
        name = expect.name[: -len(EXPECT_SUFFIX)]
        pptx = folder / f"{name}.pptx"
        if not pptx.is_file():
            problems.append(f"{expect.name} has no {pptx.name} beside it")
            continue
        try:
            decks.append(Deck(name=name, pptx=pptx, expect=load_expectation(expect)))
        except ExpectationError as err:
            problems.append(str(err))
    named = {deck.name for deck in decks}
    problems += [
        f"{pptx.name} has no {pptx.stem}{EXPECT_SUFFIX} beside it"
        for pptx in sorted(folder.glob("*.pptx"))
        if pptx.stem not in named and not (folder / f"{pptx.stem}{EXPECT_SUFFIX}").is_file()
    ]
    if problems:
        raise DeckDiscoveryError(f"bad conformance folder {folder}:\n  " + "\n  ".join(problems))
    return decks


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that takes a `deck` once per deck in the conformance folder."""
    if "deck" not in metafunc.fixturenames:
        return
    config = metafunc.config
    if DECKS_KEY not in config.stash:
        problem = None
        try:
            config.stash[DECKS_KEY] = discover_decks(os.environ.get(ENV_DECKS))
        except DeckDiscoveryError as err:
            problem = str(err)
        if problem:
            pytest.fail(problem, pytrace=False)
    decks = config.stash[DECKS_KEY]
    metafunc.parametrize("deck", decks, ids=[deck.name for deck in decks])


@pytest.fixture(scope="session")
def render_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder for PDFs, rendered pages and the throwaway LibreOffice profile."""
    setting = os.environ.get(ENV_RENDER)
    if not setting:
        return tmp_path_factory.mktemp("render")
    folder = Path(setting)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def conversion(request: pytest.FixtureRequest, render_dir: Path) -> Conversion:
    """All decks converted to PDF by one LibreOffice run."""
    if os.environ.get(ENV_SKIP_RENDER) == "1":
        pytest.skip(f"LibreOffice checks skipped ({ENV_SKIP_RENDER}=1): rendering tools missing")
    missing = find_tools()
    if missing:
        pytest.fail(
            f"{', '.join(missing)} not found: install libreoffice-impress and poppler-utils, "
            f"or set {ENV_SKIP_RENDER}=1 to skip the LibreOffice checks",
            pytrace=False,
        )
    decks = request.config.stash[DECKS_KEY]
    result = convert_to_pdf({deck.name: deck.pptx for deck in decks}, render_dir)
    request.config.stash[CONVERSION_KEY] = result
    return result


@pytest.fixture(scope="session")
def audit_reports() -> dict[Path, dict[str, Any]]:
    """openxml-audit's JSON report of every deck, from one run over the conformance folder."""
    # One run loads the validator's schema data (about 2 s) once instead of once per deck.
    beside = Path(sys.executable).with_name("openxml-audit")
    command = str(beside) if beside.exists() else shutil.which("openxml-audit")
    if not command:
        pytest.fail("openxml-audit is not installed in this Python environment", pytrace=False)
    folder = Path(os.environ[ENV_DECKS])
    done = subprocess.run(
        [command, "-o", "json", "-m", "0", "--validator", "ooxml", "-r", str(folder)],
        capture_output=True,
        text=True,
        timeout=AUDIT_TIMEOUT,
        check=False,
        env={**os.environ, "COLUMNS": "400", "NO_COLOR": "1"},
    )
    try:
        reports = json.loads(done.stdout)
    except json.JSONDecodeError:
        pytest.fail(
            f"openxml-audit exit {done.returncode} without a JSON report:\n"
            f"{done.stdout[-4000:]}{done.stderr[-4000:]}",
            pytrace=False,
        )
    return {Path(report["file"]).resolve(): report for report in reports}


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """Report how long the LibreOffice conversion took."""
    result = config.stash.get(CONVERSION_KEY, None)
    if result is not None:
        count = len(result.pdfs)
        terminalreporter.write_line(
            f"LibreOffice converted {count - len(result.missing)} of {count} decks "
            f"to PDF in {result.seconds:.1f} s"
        )
