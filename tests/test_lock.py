"""The lock that the README's set-up command and CI install from agrees with pyproject.toml.

A fresh machine must get exactly these versions on any day; the day a range in pyproject.toml is
changed without re-running ``scripts/lock``, this fails instead of a user's first command.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.txt"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)(?: ; ([^\\]+))?")


def _locked() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        m = PIN.match(line)
        # A universal lock pins some packages twice, for different Pythons: keep this one's.
        if m and (not m.group(3) or Marker(m.group(3).strip()).evaluate()):
            pins[canonicalize_name(m.group(1))] = m.group(2)
    return pins


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    return [Requirement(r) for r in [*project["dependencies"], *extras["test"], *extras["bench"]]]


def test_every_declared_dependency_is_pinned_within_its_range() -> None:
    pins = _locked()
    for req in _declared():
        if req.marker is not None and not req.marker.evaluate():
            continue
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is declared in pyproject.toml but not in requirements.txt"
        assert req.specifier.contains(pins[name], prereleases=True), (
            f"{req.name}=={pins[name]} in the lock is outside {req.specifier}: run scripts/lock"
        )


def test_lxml_html_clean_is_declared_and_locked() -> None:
    # jusText imports lxml.html.clean, which lxml no longer ships (issue 14).
    assert any(canonicalize_name(r.name) == "lxml-html-clean" for r in _declared())
    assert "lxml-html-clean" in _locked()


def test_every_pin_carries_hashes() -> None:
    text = LOCK.read_text(encoding="utf-8")
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    pinned = [b for b in blocks if PIN.match(b)]
    assert len(pinned) > 50
    for block in pinned:
        assert "--hash=sha256:" in block, f"no hash for {block.splitlines()[0]}"


def test_pylock_holds_the_pins_of_requirements_txt() -> None:
    # pylock.toml (PEP 751) is written by scripts/lock from requirements.txt: the same package set at
    # the same versions, every file with a hash, so uv or pdm install what pip installs.
    lock = tomllib.loads((ROOT / "pylock.toml").read_text(encoding="utf-8"))
    assert lock["lock-version"] == "1.0"
    pinned: dict[str, set[str]] = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        m = PIN.match(line)
        if m:
            pinned.setdefault(canonicalize_name(m.group(1)), set()).add(m.group(2))
    packages: dict[str, set[str]] = {}
    for package in lock["packages"]:
        packages.setdefault(canonicalize_name(package["name"]), set()).add(package["version"])
        files = [*package.get("wheels", []), *([package["sdist"]] if "sdist" in package else [])]
        assert files and all(f["hashes"]["sha256"] for f in files), package["name"]
    assert packages == pinned
