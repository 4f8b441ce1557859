"""colour-science, loaded on first use: importing it takes about a second, which `hair-studio --help` and the
runtime that apps embed (it never needs it) should not pay."""

from __future__ import annotations

import functools
import warnings
from types import ModuleType


@functools.cache
def colour_science() -> ModuleType:
    """The `colour` package, its import-time notice that Matplotlib is absent silenced (nothing here plots)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import colour
    return colour
