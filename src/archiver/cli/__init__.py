"""Command line: a thin layer that opens things, calls the library, prints one line per error.

Each command group lives in its own module here and registers itself on :data:`main`.
Exit codes: 0 success; 1 the work ran but its result is negative (e.g. not an
article); 2 bad input or usage; 3 the archive or a crawl could not work at all.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from archiver.errors import ArchiverError, ConfigError, InputError, ProfileError
from archiver.store import DEFAULT_PATH, ENV_VAR

EXIT_NEGATIVE = 1
EXIT_BAD_INPUT = 2
EXIT_UNUSABLE = 3


def exit_code_for(error: ArchiverError) -> int:
    if isinstance(error, InputError | ProfileError | ConfigError):
        return EXIT_BAD_INPUT
    return EXIT_UNUSABLE


class ArchiverGroup(click.Group):
    """A click group that turns archiver errors into one line on stderr, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ArchiverError as error:
            fail(str(error), exit_code_for(error))
        except KeyboardInterrupt:
            click.echo("archiver: interrupted", err=True)
            sys.exit(130)


#: ``-h`` as well as ``--help``, on every command (subcommands inherit it from the group).
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


@click.group(cls=ArchiverGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(package_name="archiver")
def main() -> None:
    """Archive Vietnamese news sites and government portals into SQLite (or PostgreSQL).

    \b
    Example:
        archiver demo
    """


#: ``--db`` for the commands that read or change an archive.
db_option = click.option(
    "--db",
    "db",
    envvar=ENV_VAR,
    default=DEFAULT_PATH,
    show_default=True,
    type=click.Path(dir_okay=False),
    help=f"Archive file, or a postgresql:// URL (or set {ENV_VAR}).",
)
#: ``--db`` for the crawling commands, without a default: a crawl config may name the file.
crawl_db_option = click.option(
    "--db",
    type=click.Path(dir_okay=False),
    help=f"Archive file or postgresql:// URL [default: ${ENV_VAR} or {DEFAULT_PATH}].",
)


def fail(message: str, code: int = EXIT_BAD_INPUT) -> None:
    """Print one error line and exit with ``code``."""
    click.echo(f"archiver: {message}", err=True)
    sys.exit(code)


# Each module adds its commands to ``main`` when imported (they import ``main`` from here,
# so these imports come last).
from archiver.cli import crawl, demo, parse, replay, sites, store, warc  # noqa: E402, F401
