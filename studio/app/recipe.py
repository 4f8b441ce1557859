"""What the baker needs of a document (`Recipe`) and the LUTs baked from it, cached: the studio and its baker thread
both bake through here, so undo, redo and re-saves never bake the same looks twice."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from studio.app.references import ROLES
from studio.bake import bake_anchors
from studio.preset_writer import slugify
from studio.runtime import LUT3D, Anchor, Look, Preset


@dataclass(frozen=True)
class Recipe:
    """What the baker needs: per role (intensity, look) or None when the role has no intensity yet."""

    lut_size: int
    dark: tuple[float, Look] | None
    light: tuple[float, Look] | None
    middle: tuple[float, Look] | None = None

    def part(self, role: str) -> tuple[float, Look] | None:
        """The (intensity, look) of `role`, None when it has no intensity."""
        return getattr(self, role)

    def anchors(self) -> list[tuple[str, tuple[float, Look]]]:
        """(role, (intensity, look)) of every role with an intensity, in anchor order."""
        return [(role, self.part(role)) for role in ROLES if self.part(role) is not None]

    @property
    def ordered(self) -> bool:
        """Dark and light are known and the intensities rise strictly from dark (through middle) to light."""
        if self.dark is None or self.light is None:
            return False
        intensities = [part[0] for _, part in self.anchors()]
        return all(low < high for low, high in zip(intensities, intensities[1:], strict=False))


@functools.lru_cache(maxsize=64)
def baked_luts(references: tuple[tuple[float, Look], ...], size: int) -> tuple[LUT3D, ...]:
    """`studio.bake.bake_anchors`, cached: undo, redo and re-saves do not bake the same looks twice."""
    return tuple(bake_anchors(references, size))


def recipe_luts(recipe: Recipe) -> dict[str, LUT3D | None]:
    """Each role's LUT: baked together when both references are known and in order (as the preset will be),
    each on its own otherwise, None for a role without an intensity yet."""
    if recipe.ordered:
        anchors = recipe.anchors()
        luts = baked_luts(tuple(part for _, part in anchors), recipe.lut_size)
        together = dict(zip((role for role, _ in anchors), luts, strict=True))
        return {role: together.get(role) for role in ROLES}
    return {role: baked_luts((recipe.part(role),), recipe.lut_size)[0] if recipe.part(role) is not None else None
            for role in ROLES}


def preset_from_recipe(recipe: Recipe, name: str, description: str = "") -> Preset:
    """A preset from an ordered recipe, with LUTs from the bake cache (safe to call from a worker thread)."""
    luts = recipe_luts(recipe)
    anchors = [Anchor(part[0], part[1], luts[role]) for role, part in recipe.anchors()]
    return Preset(name=name, id=slugify(name), anchors=anchors, description=description)
