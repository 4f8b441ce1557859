"""The `hair-studio` command (also `python -m studio`)."""

from __future__ import annotations

import argparse
import functools
import importlib
import logging
import sys

from studio import __version__
from studio.errors import StudioError

COMMAND_MODULES = ("gui", "preset", "lut", "recolor", "models", "measure", "pack")
"""Modules in studio.commands, each adding its subcommands."""

STUDIO_EXTRA_INSTALL = "pip install 'hair-lut-studio[studio]'"
"""What installs the packages that the light install (numpy, OpenCV, PyYAML, jsonschema: enough to play presets)
leaves out and the studio and most commands need: the `studio` extra of pyproject.toml."""


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
        try:
            module = importlib.import_module(f"studio.commands.{name}")
        except ModuleNotFoundError as error:
            if _missing_package(error) is None:
                raise
            _register_unavailable(subparsers, name, error)
        else:
            module.register(subparsers)
    return parser


def _missing_package(error: ModuleNotFoundError) -> str | None:
    """The missing third-party module that raised `error` (top-level name), None when it is one of the studio's."""
    top = (error.name or "").partition(".")[0]
    return top if top and top != "studio" else None


def _register_unavailable(subparsers: argparse._SubParsersAction, name: str, error: ModuleNotFoundError) -> None:
    """A stand-in for command `name`, whose module needs a package this install lacks: it takes any arguments
    and reports the missing package when run."""
    help_text = f"(not installed: needs {_missing_package(error)}; {STUDIO_EXTRA_INSTALL})"
    stand_in = subparsers.add_parser(name, help=help_text, description=help_text)
    stand_in.set_defaults(func=functools.partial(_raise, error), any_arguments=True)


def _raise(error: Exception, args: argparse.Namespace) -> int:
    """A stand-in command's action: raise the import error that kept the real command out (main reports it)."""
    raise error


def main(argv: list[str] | None = None) -> int:
    """Run the command line (no arguments: the studio); returns the exit status (0 success, 1 a reported error,
    2 usage)."""
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown and not getattr(args, "any_arguments", False):
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
    if args.command is None:  # plain `hair-studio` opens the studio
        args = parser.parse_args(["gui"])
    try:
        return args.func(args)
    except StudioError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except ModuleNotFoundError as error:
        package = _missing_package(error)
        if package is None:
            raise
        print(f"error: `hair-studio {args.command}` needs {package}, which this install lacks (the light install "
              f"only plays presets); add the `studio` extra: {STUDIO_EXTRA_INSTALL}", file=sys.stderr)
        return 1
    except OSError as error:
        if error.filename is None:  # not about a file: a bug, shown with its traceback
            raise
        # The last line of defence: a file problem a command did not report itself (a full disk, a permission)
        print(f"error: {error.filename}: {error.strerror or error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
