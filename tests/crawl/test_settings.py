"""Settings declared once: every key the code reads is in corpus/crawl/settings.py with a one-line
doc, no component passes a default of its own, docs/settings.md is the rendering of the module and
each environment variable is read in one place."""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from scrapy.settings import Settings, default_settings

from corpus.crawl import settings as project_settings
from corpus.store.storage import resolve_db_url

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_FILE = ROOT / "corpus" / "crawl" / "settings.py"
# The product: every package and top-level module that reads settings or the environment.
SCANNED = ("corpus", "spiders", "pipelines", "crimecorpus", "crimecorpus_scrapyd.py")
GETTERS = frozenset(
    {"get", "getint", "getfloat", "getbool", "getlist", "getdict", "getdictorlist", "getwithbase"}
)
SETTING_NAME = re.compile(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)+")
CORPUS_KEY = re.compile(r"CORPUS_[A-Z0-9_]+")


def _load_renderer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("settings_doc", ROOT / "scripts" / "settings_doc.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


settings_doc = _load_renderer()
DECLARED = {d.name: d for d in settings_doc.declarations(SETTINGS_FILE.read_text(encoding="utf-8"))}


def _product_files() -> Iterator[tuple[str, ast.Module]]:
    for entry in SCANNED:
        path = ROOT / entry
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            if file == SETTINGS_FILE:
                continue
            yield file.relative_to(ROOT).as_posix(), ast.parse(file.read_text(encoding="utf-8"))


PRODUCT = list(_product_files())


def _is_environ(node: ast.expr) -> bool:
    return ast.unparse(node) in ("os.environ", "environ")


def _setting_read(node: ast.AST) -> str | None:
    """The key of ``<something>.get*("KEY", ...)`` on a settings object, else None."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return None
    if node.func.attr not in GETTERS or not node.args or _is_environ(node.func.value):
        return None
    key = node.args[0]
    if isinstance(key, ast.Constant) and isinstance(key.value, str) and SETTING_NAME.fullmatch(key.value):
        return key.value
    return None


def _inline_defaults(tree: ast.Module) -> Iterator[tuple[str, int]]:
    """(key, line) of each settings read that brings a default of its own.

    Two shapes: a second argument (``getfloat("X", 5.0)``), and ``get("X") or fallback`` for a
    key whose declared default is not None (the declared value already answers; an ``or`` after
    a key declared None only converts None, as in ``get("CORPUS_ARCHIVE") or ""``).
    """
    for node in ast.walk(tree):
        key = _setting_read(node)
        if (
            key is not None
            and isinstance(node, ast.Call)
            and (len(node.args) > 1 or any(k.arg == "default" for k in node.keywords))
        ):
            yield key, node.lineno
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            for value in node.values[:-1]:
                key = _setting_read(value)
                if (
                    key is not None
                    and isinstance(value, ast.Call)
                    and isinstance(value.func, ast.Attribute)
                    and value.func.attr == "get"
                    and key in DECLARED
                    and DECLARED[key].default != "None"
                ):
                    yield key, value.lineno


def _corpus_keys(tree: ast.Module) -> Iterator[tuple[str, int]]:
    """Every ``"CORPUS_..."`` string in code (read, set or passed on): docstrings name keys in prose."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and CORPUS_KEY.fullmatch(node.value)
        ):
            yield node.value, node.lineno


def _environment_reads(tree: ast.Module) -> Iterator[tuple[str, int]]:
    """(variable, line) of ``os.environ.get(X)``, ``os.getenv(X)`` and ``os.environ[X]``.

    ``X`` is a string or a module-level constant holding one (``DB_ENV = "CRIMECORPUS_DB"``).
    """
    constants = {
        t.id: n.value.value
        for n in tree.body
        if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)
        for t in n.targets
        if isinstance(t, ast.Name)
    }

    def name_of(arg: ast.expr) -> str:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            return arg.value
        if isinstance(arg, ast.Name) and arg.id in constants:
            return constants[arg.id]
        return ast.unparse(arg)

    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
            func = ast.unparse(node.func)
            if func in ("os.getenv", "os.environ.get", "environ.get"):
                yield name_of(node.args[0]), node.lineno
        elif isinstance(node, ast.Subscript) and _is_environ(node.value) and isinstance(node.ctx, ast.Load):
            yield name_of(node.slice), node.lineno


def _settings_environment_reads() -> list[tuple[str, int]]:
    return list(_environment_reads(ast.parse(SETTINGS_FILE.read_text(encoding="utf-8"))))


def test_every_setting_has_a_one_line_doc_and_a_rendered_row() -> None:
    assert len(DECLARED) > 50
    assert all(d.doc and not d.doc.startswith("#") for d in DECLARED.values())
    page = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    for name, declared in DECLARED.items():
        assert f"| `{name}` |" in page and declared.doc.replace("|", "\\|") in page


def test_a_setting_without_its_doc_line_is_refused() -> None:
    with pytest.raises(ValueError, match=r"CORPUS_NEW \(line 3\) needs exactly one"):
        settings_doc.declarations("#: Documented.\nCORPUS_OLD = 1\nCORPUS_NEW = 2\n")
    with pytest.raises(ValueError, match="CORPUS_TWICE"):
        settings_doc.declarations("#: One.\n#: Two.\nCORPUS_TWICE = 1\n")
    assert [
        d.name for d in settings_doc.declarations("#: Fine.\nCORPUS_X: list[str] = []\n_private = 1\n")
    ] == ["CORPUS_X"]


def test_the_committed_page_is_the_rendering_of_the_module() -> None:
    rendered = settings_doc.render(SETTINGS_FILE.read_text(encoding="utf-8"))
    committed = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert committed == rendered, "docs/settings.md is out of date: run python scripts/settings_doc.py"


def test_the_declarations_are_what_scrapy_loads() -> None:
    # The renderer reads the source; Scrapy imports the module. Both must see the same names, and
    # every rendered default must be the value Scrapy gets.
    loaded = Settings()
    loaded.setmodule("corpus.crawl.settings", priority="project")
    names = {n for n in dir(project_settings) if n.isupper()}
    assert names == set(DECLARED)
    for name, declared in DECLARED.items():
        if name == "USER_AGENT":
            continue  # an f-string over the environment, checked in its own test
        assert eval(declared.default, {}) == loaded[name], name  # our own literals, read as written


def test_every_corpus_key_in_the_code_is_declared() -> None:
    undeclared = sorted(
        f"{path}:{line} {key}"
        for path, tree in PRODUCT
        for key, line in _corpus_keys(tree)
        if key not in DECLARED
    )
    assert not undeclared, undeclared


def test_every_other_setting_read_is_declared_here_or_by_scrapy() -> None:
    scrapy_names = {n for n in dir(default_settings) if n.isupper()}
    unknown = sorted(
        f"{path}:{node.lineno} {key}"
        for path, tree in PRODUCT
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (key := _setting_read(node)) is not None
        and key not in DECLARED
        and key not in scrapy_names
    )
    assert not unknown, unknown


def test_every_declared_corpus_key_is_used() -> None:
    used = {key for _, tree in PRODUCT for key, _ in _corpus_keys(tree)}
    unused = sorted(name for name in DECLARED if name.startswith("CORPUS_") and name not in used)
    assert not unused, f"declared but read nowhere: {unused}"


def test_no_component_passes_an_inline_default() -> None:
    found = sorted(
        f"{path}:{line} {key}"
        for path, tree in PRODUCT
        for key, line in _inline_defaults(tree)
        if key in DECLARED
    )
    assert not found, f"inline defaults (read the declared one instead): {found}"


def test_the_scan_finds_inline_defaults_in_both_shapes() -> None:
    tree = ast.parse(
        "a = crawler.settings.getfloat('CORPUS_BACKOFF_BASE', 5.0)\n"
        "b = settings.get('CORPUS_ARCHIVE_DIR') or 'data/warc'\n"
        "c = settings.get('CORPUS_ARCHIVE') or ''\n"
        "d = settings.getint('CORPUS_BATCH_SIZE')\n"
        "e = os.environ.get('CORPUS_BATCH_SIZE', '1')\n"
    )
    assert sorted(_inline_defaults(tree)) == [("CORPUS_ARCHIVE_DIR", 2), ("CORPUS_BACKOFF_BASE", 1)]


def test_each_environment_variable_is_read_in_one_place_and_documented() -> None:
    reads: dict[str, list[str]] = {}
    for path, tree in PRODUCT:
        for name, line in _environment_reads(tree):
            reads.setdefault(name, []).append(f"{path}:{line}")
    for name, _ in _settings_environment_reads():
        reads.setdefault(name, []).append("corpus/crawl/settings.py")
    documented = {e.name: e.read_in for e in settings_doc.ENVIRONMENT}
    assert set(reads) == set(documented)
    for name, places in reads.items():
        assert len(places) == 1, f"{name} is read in {len(places)} places: {places}"
        assert places[0].split(":")[0] == documented[name]


def test_a_crawl_takes_the_database_from_the_environment_unless_a_setting_names_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # CORPUS_DB_URL defaults to None and the environment is read when the URL is resolved, so a
    # variable set after the settings module was imported still counts.
    monkeypatch.setenv("CRIMECORPUS_DB", str(tmp_path / "env.sqlite"))
    settings = Settings()
    settings.setmodule("corpus.crawl.settings", priority="project")
    assert resolve_db_url(settings.get("CORPUS_DB_URL")) == f"sqlite:///{tmp_path}/env.sqlite"
    settings.set("CORPUS_DB_URL", str(tmp_path / "given.sqlite"), priority="cmdline")
    assert resolve_db_url(settings.get("CORPUS_DB_URL")) == f"sqlite:///{tmp_path}/given.sqlite"
    monkeypatch.delenv("CRIMECORPUS_DB")
    settings = Settings()
    settings.setmodule("corpus.crawl.settings", priority="project")
    assert resolve_db_url(settings.get("CORPUS_DB_URL")) == "sqlite:///data/crimecorpus.sqlite"


@pytest.mark.parametrize(
    ("contact", "expected"),
    [
        (None, "https://github.com/crimecorpus/crimecorpus"),
        ("mailto:onderzoek@example.org", "mailto:onderzoek@example.org"),
    ],
)
def test_the_user_agent_names_the_contact_from_the_environment(contact: str | None, expected: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "CRIMECORPUS_CONTACT"}
    if contact is not None:
        env["CRIMECORPUS_CONTACT"] = contact
    out = subprocess.run(
        [sys.executable, "-c", "from corpus.crawl import settings; print(settings.USER_AGENT)"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
    ).stdout.strip()
    assert out == f"crimecorpus/0.1 (research crawler for Dutch news corpora; +{expected})"


def test_the_crawl_defaults_match_the_library_defaults() -> None:
    # The pure functions keep keyword defaults for callers outside a crawl; a crawl must run with
    # the same figures, or a rebuild and a crawl would disagree.
    from corpus.crawl.distributed import DEFAULT_PREFIX, LEASE_SECONDS
    from corpus.dedup.neardup import THRESHOLD
    from corpus.store.frontier import MAX_URL_LENGTH
    from corpus.store.storage import STALE_RUN_SECONDS
    from corpus.warc.write import DEFAULT_MAX_BYTES

    s = project_settings
    assert s.CORPUS_NEARDUP_THRESHOLD == THRESHOLD
    assert s.URLLENGTH_LIMIT == MAX_URL_LENGTH
    assert s.CORPUS_STALE_RUN_SECONDS == STALE_RUN_SECONDS
    assert s.CORPUS_ARCHIVE_MAX_BYTES == DEFAULT_MAX_BYTES
    assert s.CORPUS_LEASE_SECONDS == LEASE_SECONDS
    assert s.CORPUS_REDIS_PREFIX == DEFAULT_PREFIX
