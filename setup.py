"""Packaging hook: wheels and sdists carry the built web UI as crmflow/webui (see MANIFEST.in)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = Path(__file__).resolve().parent
WEB = HERE / "web"
WEB_DIST = WEB / "dist"
# Only an unpacked sdist holds the built UI here (a checkout never does: .gitignore), and then
# it is what gets packaged, so a wheel builds from the sdist without Node.js.
PREBUILT = HERE / "src" / "crmflow" / "webui"
PACKAGED_AS = Path("crmflow") / "webui"
# The bundle is built from these: a newer file among them makes web/dist stale.
UI_INPUTS = ("index.html", "package.json", "package-lock.json", "tsconfig.json", "vite.config.ts")
MODES = ("auto", "never", "always")


def fail(message: str) -> SystemExit:
    """Return the exit that stops the build with a message saying what to do."""
    return SystemExit(f"\ncrmflow packaging: {message}\n")


def newest_input() -> float:
    """Return the modification time of the newest UI source file."""
    files = [WEB / name for name in UI_INPUTS] + list((WEB / "src").rglob("*"))
    return max((f.stat().st_mtime for f in files if f.is_file()), default=0.0)


def run(*argv: str, env: dict[str, str] | None = None) -> None:
    """Run one step of the UI build in web/, stopping the packaging if it fails."""
    print("crmflow packaging:", " ".join(argv), flush=True)
    if subprocess.run(argv, cwd=WEB, env=env, check=False).returncode != 0:
        raise fail(f"`{' '.join(argv)}` failed in web/ (its output is above)")


def write_openapi() -> None:
    """Write web/openapi.json from this source tree, or keep an existing one if that cannot run."""
    paths = [str(HERE / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    argv = [sys.executable, "-m", "crmflow", "openapi", "-o", str(WEB / "openapi.json")]
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if result.returncode == 0:
        return
    # An isolated build environment lacks crmflow's dependencies (FastAPI...).
    if not (WEB / "openapi.json").is_file():
        raise fail(
            "cannot write web/openapi.json (the UI's API types) without crmflow's dependencies:\n"
            f"{result.stderr[-1500:]}\nRun `make web` first, or build with --no-build-isolation "
            "from a virtualenv where crmflow's dependencies are installed."
        )
    print("crmflow packaging: keeping the existing web/openapi.json", flush=True)


def build_web_ui() -> None:
    """Build web/dist as `make web` does: npm ci when needed, API types, then the bundle."""
    installed = WEB / "node_modules" / ".installed"
    lock_time = max((WEB / name).stat().st_mtime for name in ("package.json", "package-lock.json"))
    if not installed.is_file() or installed.stat().st_mtime < lock_time:
        run("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
        installed.touch()
    write_openapi()
    run("npm", "run", "--silent", "gen")
    run("npm", "run", "--silent", "build")


@cache
def built_ui() -> Path:
    """Return the built UI to package, building web/dist first when it is missing or stale."""
    if (PREBUILT / "index.html").is_file():
        return PREBUILT
    mode = os.environ.get("CRMFLOW_UI_BUILD", "auto")
    if mode not in MODES:
        raise fail(f"CRMFLOW_UI_BUILD must be one of {', '.join(MODES)}, not {mode!r}")
    if not (WEB / "package.json").is_file():
        raise fail("neither a built UI (src/crmflow/webui) nor its sources (web/) are here")
    built = (WEB_DIST / "index.html").is_file()
    fresh = built and (WEB_DIST / "index.html").stat().st_mtime >= newest_input()
    if mode == "always" or (mode == "auto" and not fresh):
        if shutil.which("npm") is None:
            if not built:
                raise fail(
                    "web/dist does not exist and npm is not on PATH, so the UI cannot be built "
                    "and the package would serve no UI: install Node.js 20 with npm, or run "
                    "`make web` where they are."
                )
            raise fail(
                "web/dist is older than its sources in web/ and npm is not on PATH to rebuild "
                "it: install Node.js 20 with npm, or run `make web`, or set "
                "CRMFLOW_UI_BUILD=never to package web/dist as it is."
            )
        build_web_ui()
    if not (WEB_DIST / "index.html").is_file():
        raise fail("web/dist/index.html is missing: run `make web` to build the UI")
    return WEB_DIST


def copy_ui(target: Path) -> None:
    """Replace target with a copy of the built UI (no stale hashed assets from earlier builds)."""
    source = built_ui()
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target)


class BuildPyWithUI(build_py):
    """build_py that also puts the built UI into the package."""

    def run(self) -> None:
        """Copy the modules and data, then the UI (an editable install serves web/dist)."""
        if self.editable_mode:
            super().run()
            return
        built_ui()  # fail before the copying, not after it
        super().run()
        copy_ui(Path(self.build_lib) / PACKAGED_AS)


class SdistWithUI(sdist):
    """sdist that carries the UI's sources (MANIFEST.in) and the built UI."""

    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        """Lay out the sdist's files, then add the built UI under src/crmflow/webui."""
        super().make_release_tree(base_dir, files)
        copy_ui(Path(base_dir) / "src" / PACKAGED_AS)


setup(cmdclass={"build_py": BuildPyWithUI, "sdist": SdistWithUI})
