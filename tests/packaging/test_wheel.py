"""The wheel carries the built UI: built from a copy of the tree, installed elsewhere, served."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.e2e.server import free_port

ROOT = Path(__file__).resolve().parents[2]
WEB_DIST = ROOT / "web" / "dist"
PYTHON = sys.executable
# The UI's sources an sdist needs to rebuild it (MANIFEST.in).
UI_SOURCES = ("index.html", "package.json", "package-lock.json", "tsconfig.json", "vite.config.ts")
# Builds and a real server: run alone, after the parallel tests (tests/conftest.py).
pytestmark = pytest.mark.serial


@dataclass
class Built:
    """The packages built from one copy of the tree, and the UI that copy held."""

    work: Path
    wheel: Path
    sdist: Path
    ui_files: set[str]


def clean_env(**extra: str) -> dict[str, str]:
    """Return the environment for a child process, without this checkout on its import path."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and k != "CRMFLOW_UI_BUILD"}
    return {**env, **extra}


def run(argv: list[str | Path], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a command, returning its result (output kept for failure messages)."""
    return subprocess.run(
        [str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=180
    )


def checked(result: subprocess.CompletedProcess[str]) -> str:
    """Return a successful command's stdout, or fail with its output."""
    assert result.returncode == 0, f"{result.args} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def copy_tree(dest: Path, *, with_ui: bool) -> Path:
    """Copy the checkout's files (tracked or not, never ignored ones) and, if asked, web/dist."""
    listing = checked(
        run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            ROOT,
            clean_env(),
        )
    )
    for name in filter(None, listing.split("\0")):
        source = ROOT / name
        if source.is_file():  # a tracked file someone deleted is not in the tree
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    if with_ui:
        shutil.copytree(WEB_DIST, dest / "web" / "dist")
    return dest


def pip_wheel(tree: Path, out: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Build a wheel of tree with this venv's setuptools (offline, no build isolation)."""
    argv = [PYTHON, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", out, tree]
    return run(argv, tree.parent, env)


def ui_in_wheel(wheel: Path) -> set[str]:
    """Return the UI's files in a wheel, relative to crmflow/webui."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    return {n.removeprefix("crmflow/webui/") for n in names if n.startswith("crmflow/webui/")}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Build a wheel and an sdist from a copy of the tree holding the already built web/dist."""
    if not (WEB_DIST / "index.html").is_file():
        pytest.fail(f"{WEB_DIST} holds no built UI: run `make web` first")
    work = tmp_path_factory.mktemp("packaging")
    tree = copy_tree(work / "tree", with_ui=True)
    dist = tree / "web" / "dist"
    ui_files = {p.relative_to(dist).as_posix() for p in dist.rglob("*") if p.is_file()}
    # Others edit web/src in this shared checkout, so web/dist may be older than it: package it
    # as it is rather than run npm here (a minute); the npm path is setup.py's, run by make dist.
    env = clean_env(CRMFLOW_UI_BUILD="never")
    checked(pip_wheel(tree, work / "wheels", env))
    sdist_code = (
        "import sys; from setuptools import build_meta; build_meta.build_sdist(sys.argv[1])"
    )
    checked(run([PYTHON, "-c", sdist_code, work / "sdists"], tree, env))
    [wheel] = (work / "wheels").glob("crmflow-*.whl")
    [sdist] = (work / "sdists").glob("crmflow-*.tar.gz")
    return Built(work, wheel, sdist, ui_files)


def fresh_venv(work: Path, wheel: Path) -> Path:
    """Install the wheel alone into a new venv that borrows its dependencies from this one."""
    venv = work / "venv"
    checked(run([PYTHON, "-m", "venv", "--without-pip", venv], work, clean_env()))
    python = venv / "bin" / "python"
    # The dependencies (pip among them), through a .pth, minus this checkout's editable crmflow
    # and its metadata: the venv's only crmflow is the wheel's.
    deps = work / "deps"
    deps.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not entry.name.startswith(("crmflow", "__editable__")):
            (deps / entry.name).symlink_to(entry)
    purelib = [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
    site_packages = Path(checked(run(purelib, work, clean_env())).strip())
    (site_packages / "deps.pth").write_text(f"{deps}\n")
    install = [python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--no-compile"]
    checked(run([*install, wheel], work, clean_env()))
    return venv


@pytest.fixture(scope="module")
def served(built: Built) -> Iterator[tuple[str, Path]]:
    """Run the installed wheel's `crmflow serve` on a scratch database, from outside the tree."""
    venv = fresh_venv(built.work, built.wheel)
    where = checked(
        run(
            [venv / "bin" / "python", "-c", "import crmflow; print(crmflow.__file__)"],
            built.work,
            clean_env(),
        )
    )
    assert Path(where.strip()).is_relative_to(venv), f"crmflow imported from {where}"
    port = free_port()
    env = clean_env(
        CRMFLOW_DATABASE_URL=f"sqlite:///{built.work / 'scratch.db'}",
        CRMFLOW_RUNTIME="embedded",
        CRMFLOW_ADMIN_TOKEN="packaging-test-token",
        CRMFLOW_ADMIN_EMAIL="admin@packaging.test",
    )
    log = built.work / "serve.log"
    argv = [venv / "bin" / "crmflow", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(a) for a in argv], cwd=built.work, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90  # a loaded 2-core machine
        while process.poll() is None and time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail(f"the wheel's crmflow serve did not start:\n{log.read_text()[-3000:]}")
        yield base, built.work / "tree" / "web" / "dist"
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_the_wheel_holds_the_built_ui(built: Built) -> None:
    assert ui_in_wheel(built.wheel) == built.ui_files


def test_the_installed_wheel_serves_the_ui(served: tuple[str, Path]) -> None:
    base, dist = served
    index = (dist / "index.html").read_text()
    with httpx.Client(base_url=base, timeout=10) as http:
        home = http.get("/")
        assert home.status_code == 200
        assert home.headers["content-type"].startswith("text/html")
        assert home.text == index
        scripts = re.findall(r'src="/(assets/[^"]+\.js)"', index)
        assert scripts, f"no script in index.html:\n{index}"
        script = http.get(f"/{scripts[0]}")
        assert script.status_code == 200
        assert "javascript" in script.headers["content-type"]
        assert script.content == (dist / scripts[0]).read_bytes()
        deep = http.get("/workflows/1")
        assert (deep.status_code, deep.text) == (200, index)
        missing = http.get("/api/v1/nope")
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/json"


def test_the_sdist_carries_the_built_ui_and_its_sources(built: Built) -> None:
    with tarfile.open(built.sdist) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    assert {f"src/crmflow/webui/{f}" for f in built.ui_files} <= names
    assert {f"web/{f}" for f in UI_SOURCES} <= names
    assert "web/src/main.tsx" in names
    assert "setup.py" in names


def test_a_wheel_builds_from_the_sdist_without_node(built: Built, tmp_path: Path) -> None:
    with tarfile.open(built.sdist) as archive:
        archive.extractall(tmp_path, filter="data")
    [unpacked] = tmp_path.glob("crmflow-*")
    no_node = clean_env(PATH=str(Path(PYTHON).parent))
    checked(pip_wheel(unpacked, tmp_path / "wheels", no_node))
    [wheel] = (tmp_path / "wheels").glob("crmflow-*.whl")
    assert ui_in_wheel(wheel) == built.ui_files


def test_no_built_ui_and_no_npm_fails_the_build(tmp_path: Path) -> None:
    tree = copy_tree(tmp_path / "tree", with_ui=False)
    result = pip_wheel(tree, tmp_path / "wheels", clean_env(PATH=str(Path(PYTHON).parent)))
    assert result.returncode != 0
    assert "web/dist does not exist and npm is not on PATH" in result.stdout + result.stderr
    assert not list((tmp_path / "wheels").glob("*.whl"))
