"""The tree's shape holds: layers only import downwards (import-linter's contracts in
pyproject.toml), and no module imports another module's private names."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "archiver"


def test_the_layering_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--no-cache", "--no-logo", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(dotted: str) -> bool:
    path = PACKAGE.parent.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_imports(source: str, importer: str, package: str) -> set[tuple[str, str]]:
    """(importer, imported) for each private name, or private module of another package, that
    module ``importer`` (of ``package``) imports in ``source``. A package may import its own
    private modules (``_fasturl``)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            targets = [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            continue
        for target in targets:
            if not target.startswith("archiver."):
                continue
            parts = target.split(".")
            for index, part in enumerate(parts):
                if not _private(part):
                    continue
                owner = ".".join(parts[:index])
                own_private_module = owner == package and _is_module(".".join(parts[: index + 1]))
                if not own_private_module:
                    found.add((importer, target))
    return found


def test_no_module_imports_a_private_name_of_another():
    found = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        importer = _module_name(path)
        package = importer if path.name == "__init__.py" else importer.rpartition(".")[0]
        found |= private_imports(path.read_text(encoding="utf-8"), importer, package)
    assert found == set()


def test_the_private_import_check_sees_names_and_foreign_private_modules():
    source = (
        "from archiver.text import _FOLD\n"
        "from archiver.discover._xmltext import GZIP_MAGIC\n"
        "from archiver.discover import _fasturl\n"
        "from archiver.crawl import _private_helper\n"
        "from archiver.text import fold\n"
    )
    found = private_imports(source, "archiver.crawl.analyze", "archiver.crawl")
    assert found == {
        ("archiver.crawl.analyze", "archiver.text._FOLD"),
        ("archiver.crawl.analyze", "archiver.discover._xmltext.GZIP_MAGIC"),
        ("archiver.crawl.analyze", "archiver.discover._fasturl"),
        ("archiver.crawl.analyze", "archiver.crawl._private_helper"),
    }
    assert private_imports(source, "archiver.discover.feeds", "archiver.discover") == {
        ("archiver.discover.feeds", "archiver.text._FOLD"),
        ("archiver.discover.feeds", "archiver.crawl._private_helper"),
    }


def _layers() -> list[list[str]]:
    """The layers of the contract, top first, each a list of package names (``crawl``)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["id"] == "layers"]
    return [
        [name.strip().removeprefix("archiver.") for name in re.split(r"[|:]", layer)]
        for layer in contract["layers"]
    ]


def test_the_package_docstring_and_the_readme_tell_the_contracts_story():
    import archiver

    chain = " → ".join("/".join(f"``{name}``" for name in layer) for layer in _layers())
    assert chain in " ".join(archiver.__doc__.split())
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    development = readme.split("## Development\n", 1)[1]
    rows = [line for line in development.splitlines() if line.startswith("| ") and "`" in line]
    in_table = [re.findall(r"`archiver\.(\w+)`", row.split("|")[2]) for row in rows]
    assert in_table == _layers()
    packages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert packages <= {name for layer in _layers() for name in layer}, "a package in no layer"
