"""Reading untrusted YAML documents (presets, pack manifests) and checking them against a JSON Schema."""

from __future__ import annotations

import stat
from collections.abc import Iterable
from pathlib import Path

import jsonschema
import yaml

__all__ = ["MAX_DEPTH", "read_yaml", "schema_problems"]

MAX_DEPTH = 32
"""Deepest nesting of mappings and sequences accepted; presets and manifests need about 5."""

# libyaml when present: the same safe subset, far faster on large or deeply nested input.
_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BASE_LOADER):  # type: ignore[misc, valid-type]
    """The safe loader, refusing a mapping that repeats a key (PyYAML keeps the last, other parsers differ)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:  # an unhashable key: the base constructor reports it
                break
            if duplicate:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        return super().construct_mapping(node, deep=deep)


_LOADER = _StrictLoader
_SHOWN_CHARACTERS = 60  # of a long string value quoted in a problem


def read_yaml(path: Path, max_bytes: int) -> tuple[object, str | None]:
    """The document in `path` read with `yaml.safe_load`, or (None, the problem).

    Refuses files over `max_bytes`, nesting deeper than MAX_DEPTH, and documents with aliases (`*name`),
    which can expand a few hundred bytes into gigabytes ("billion laughs").
    """
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a device or a named pipe would never end, or never start
            return None, "not a regular file"
        if path.stat().st_size > max_bytes:
            return None, f"file is larger than {max_bytes} bytes"
        text = path.read_text("utf-8")
        depth = 0
        for event in yaml.parse(text, Loader=_LOADER):
            if isinstance(event, yaml.AliasEvent):
                return None, "YAML aliases (*name) are not allowed"
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return None, f"malformed YAML: nested deeper than {MAX_DEPTH} levels"
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
        return yaml.load(text, Loader=_LOADER), None
    except FileNotFoundError:
        return None, "file not found"
    except OSError as error:
        return None, f"cannot read ({error.strerror or error})"
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        return None, f"malformed YAML: {' '.join(str(error).split())}"
    except (ValueError, TypeError, IndexError, AttributeError, OverflowError) as error:
        # PyYAML's constructors raise these for tags with bad values (`!!float abc`, `!!timestamp junk`).
        return None, f"malformed YAML: a value does not fit its tag ({type(error).__name__}: {error})"
    except RecursionError:
        return None, "malformed YAML: nested too deeply"


def schema_problems(document: object, schema: dict, limit: int = 20) -> list[str]:
    """'where: message' for each way `document` breaks the JSON Schema (draft 2020-12), at most `limit`, and
    for every string holding a control character (a NUL, a line break): names, ids and file names are one
    line of text, and Python's `$` in the schema's patterns would let a trailing newline through. Each problem
    is one line, however long or strange the keys and values it quotes."""
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    problems = [f"{_where(e.absolute_path)}: {_message(e)}" for e in errors[:limit]]
    problems += [f"{_where(where)}: {_shown(text)} holds a control character"
                 for where, text in _strings(document) if any(ord(c) < 32 or ord(c) == 127 for c in text)]
    return problems[:limit]


def _where(path: Iterable[object]) -> str:
    """A dotted path of keys and indexes; a key that is long or holds a control character is quoted short."""
    parts = [str(part) for part in path]
    return ".".join(part if part.isprintable() and len(part) <= _SHOWN_CHARACTERS else _shown(part)
                    for part in parts) or "(top level)"


def _message(error: jsonschema.ValidationError) -> str:
    """The error's message on one short line: a long value is shown by its start (and a string by its length)."""
    shown = repr(error.instance)
    if len(shown) <= _SHOWN_CHARACTERS:
        return error.message
    short = _shown(error.instance) if isinstance(error.instance, str) else f"{shown[:_SHOWN_CHARACTERS]}..."
    return error.message.replace(shown, short)


def _shown(text: str) -> str:
    """`text` quoted as repr does, cut to its start (and length) when long."""
    shown = repr(text)
    return shown if len(shown) <= _SHOWN_CHARACTERS else f"{shown[:_SHOWN_CHARACTERS]}...' ({len(text)} characters)"


def _strings(document: object, where: tuple[object, ...] = ()) -> list[tuple[tuple[object, ...], str]]:
    """(path of keys and indexes, value) of every string in a parsed document, keys included."""
    if isinstance(document, str):
        return [(where, document)]
    found: list[tuple[tuple[object, ...], str]] = []
    if isinstance(document, dict):
        for key, value in document.items():
            found += _strings(key, (*where, key)) + _strings(value, (*where, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found += _strings(value, (*where, index))
    return found
