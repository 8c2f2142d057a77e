"""``python -m archiver``: the same command line as the ``archiver`` script."""

from archiver.cli import main

if __name__ == "__main__":
    main(prog_name="archiver")
