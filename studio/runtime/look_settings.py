"""The artist's settings of one look, as a preset records them per anchor, and the hex colours they name.

Only the settings live here (the runtime reads them with a preset and never needs more); what they do to
colours, and the baking of LUTs from them, is studio.look and studio.bake.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields

import numpy as np

__all__ = ["Look", "parse_hex", "to_hex"]

_HEX = re.compile(r"^#?([0-9a-fA-F]{6})$")


@dataclass(frozen=True)
class Look:
    """One target look. Ranges: strength, texture, shine in [0, 1]; saturation in [0, 2]."""

    target: str = "#8a4b2a"
    """Target hair colour as sRGB hex '#rrggbb': what hair at the reference intensity becomes."""
    strength: float = 1.0
    """0 leaves the image as it is, 1 applies the look fully."""
    texture: float = 0.7
    """How much of the original lightness variation survives (0 nearly flat, 1 all of it): keeps strands visible."""
    shine: float = 0.25
    """Extra lift of the highlights above the reference lightness (0 none, 1 strong)."""
    saturation: float = 1.0
    """Chroma multiplier on the target colour (0 grey, 1 as picked, 2 twice as vivid, gamut permitting)."""

    def __post_init__(self) -> None:
        parse_hex(self.target)  # raises ValueError naming the bad colour
        object.__setattr__(self, "target", to_hex(parse_hex(self.target)))
        for name, high in (("strength", 1.0), ("texture", 1.0), ("shine", 1.0), ("saturation", 2.0)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"look {name} must be a number, got {value!r}")
            if not (0.0 <= float(value) <= high):  # also rejects NaN
                raise ValueError(f"look {name} must lie in [0, {high:g}], got {value!r}")
            object.__setattr__(self, name, float(value))

    def to_dict(self) -> dict[str, object]:
        """Plain dict for YAML: target, strength, texture, shine, saturation."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Look:
        """Build from a dict; missing keys take defaults, unknown keys raise ValueError."""
        if not isinstance(data, dict):
            raise ValueError(f"a look must be a mapping, got {type(data).__name__}")
        unknown = set(data) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown look settings: {', '.join(sorted(map(str, unknown)))}")
        return cls(**data)


def parse_hex(text: str) -> np.ndarray:
    """'#RRGGBB' (or 'RRGGBB') to an sRGB float64 triple in [0, 1]; ValueError on anything else."""
    match = _HEX.match(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"not a colour: {text!r} (expected #RRGGBB)")
    digits = match.group(1)
    return np.array([int(digits[i : i + 2], 16) for i in (0, 2, 4)], dtype=np.float64) / 255.0


def to_hex(rgb: np.ndarray) -> str:
    """An sRGB triple in [0, 1] (clipped) to '#rrggbb'."""
    values = np.clip(np.round(np.asarray(rgb, dtype=np.float64) * 255.0), 0, 255).astype(int)
    return "#{:02x}{:02x}{:02x}".format(*values)
