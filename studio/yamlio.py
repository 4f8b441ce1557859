"""Reading untrusted YAML documents (presets, pack manifests) and checking them against a JSON Schema."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import yaml

MAX_DEPTH = 32
"""Deepest nesting of mappings and sequences accepted; presets and manifests need about 5."""

# libyaml when present: the same safe subset, far faster on large or deeply nested input.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path, max_bytes: int) -> tuple[object, str | None]:
    """The document in `path` read with `yaml.safe_load`, or (None, the problem).

    Refuses files over `max_bytes`, nesting deeper than MAX_DEPTH, and documents with aliases (`*name`),
    which can expand a few hundred bytes into gigabytes ("billion laughs").
    """
    try:
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
    except RecursionError:
        return None, "malformed YAML: nested too deeply"


def schema_problems(document: object, schema: dict, limit: int = 20) -> list[str]:
    """'where: message' for each way `document` breaks the JSON Schema (draft 2020-12), at most `limit`."""
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    return [f"{'.'.join(map(str, e.absolute_path)) or '(top level)'}: {e.message}" for e in errors[:limit]]
