"""Command line: a thin layer that opens things, calls the library, prints one line per error."""

from __future__ import annotations

import click


@click.group()
@click.version_option(package_name="archiver")
def main() -> None:
    """Archive Vietnamese news sites and government portals into SQLite."""
