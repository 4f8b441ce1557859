"""Hair LUT Studio: author hair-colour LUT presets and apply them live."""

__version__ = "0.1.0"
