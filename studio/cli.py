"""The `hair-studio` command (also `python -m studio`)."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from studio import __version__
from studio.errors import StudioError

COMMAND_MODULES = ("gui", "preset", "lut", "recolor", "models", "measure", "pack")
"""Modules in studio.commands, each adding its subcommands."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="hair-studio",
        description="Author hair-colour LUT presets and apply them to photos and video.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"studio.commands.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line (no arguments: the studio); returns the exit status (0 success, 1 a reported error,
    2 usage)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
    if args.command is None:  # plain `hair-studio` opens the studio
        args = parser.parse_args(["gui"])
    try:
        return args.func(args)
    except StudioError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
