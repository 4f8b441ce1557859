"""Colour fidelity of presets: does the recolour land on the preset's intended colour at every hair tone?

The intended colour of hair at intensity I is studio.bake.intended_oklab: the neighbouring anchors' targets
interpolated in Oklab by the runtime's weight t. Every figure runs frames through the runtime (Recolorizer,
the path apps use) and compares with it:

- grey ramp: uniform grey frames at 41 intensities between the outermost anchors, full mask. Worst chroma
  kept (output chroma / intended chroma), worst hue error (degrees) and worst lightness error (Oklab L).
- photos: real faces with ground-truth hair masks (../shared/data portraits and a spread of LFW faces by
  hair intensity). The recoloured hair's mean colour (mean sRGB over the mask, then Oklab) against the
  intended colour at the photo's own hair intensity: chroma kept (median, 10th percentile), hue and
  lightness error (median). Texture kept: RMS of the hair's lightness detail (Oklab L minus its Gaussian
  blur, sigma 2 px) after / before, next to the slope the preset's texture setting asks for. Noise gain:
  the same at the finest scale (sigma 0.8 px), on the dark portraits only (dark hair lifted to the colour).

Chroma and hue are reported for chromatic presets only (intended chroma >= 0.04 at every anchor). The
baseline, run in the same process, is the same looks with each anchor baked on its own (studio.look.bake),
the structure the project shipped before the joint bake.

    python benchmarks/eval_colour.py [--presets DIR] [--lfw N]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from tqdm import tqdm

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from studio.bake import intended_oklab  # noqa: E402
from studio.color import srgb_to_oklab  # noqa: E402
from studio.images import read_mask, read_rgb  # noqa: E402
from studio.look import bake, target_oklab, texture_slope  # noqa: E402
from studio.runtime import Anchor, Preset, Recolorizer, hair_intensity, load_preset  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
CHROMATIC = 0.04  # Oklab chroma from which a target counts as a colour, not a grey
DETAIL_SIGMA, NOISE_SIGMA = 2.0, 0.8  # pixels
RAMP_STEPS = 41


@dataclass(frozen=True)
class Photo:
    name: str
    image: np.ndarray  # uint8 RGB
    mask: np.ndarray  # float32 0/1 ground truth
    dark: bool  # one of the dark portraits


def photos(lfw_count: int) -> list[Photo]:
    """The portraits with masks, plus `lfw_count` LFW faces evenly spread over the hair intensity range."""
    found = []
    for tone in ("dark", "light", "other"):
        folder = DATA / "portraits" / tone
        for path in sorted(folder.glob("*.jpg")):
            mask_path = folder / "masks" / f"{path.stem}.png"
            if mask_path.is_file():
                image = read_rgb(path)
                found.append(Photo(path.stem, image, _binary(read_mask(mask_path, image.shape[:2])), tone == "dark"))
    lfw = DATA / "hairseg" / "lfw"
    candidates = []
    for path in sorted((lfw / "images").glob("*.jpg")):
        image = read_rgb(path)
        mask = _binary(read_mask(lfw / "masks" / f"{path.stem}.png", image.shape[:2]))
        if mask.mean() >= 0.08:  # enough hair to have a colour
            candidates.append((hair_intensity(image, mask), path.stem, image, mask))
    candidates.sort(key=lambda item: (item[0], item[1]))
    for index in np.linspace(0, len(candidates) - 1, lfw_count).round().astype(int):
        _, name, image, mask = candidates[index]
        found.append(Photo(name, image, mask, False))
    return found


def _binary(mask: np.ndarray) -> np.ndarray:
    return (mask >= 0.5).astype(np.float32)


def chroma_hue(lab: np.ndarray) -> tuple[float, float]:
    return float(np.hypot(lab[1], lab[2])), float(np.degrees(np.arctan2(lab[2], lab[1])))


def hue_error(a: float, b: float) -> float:
    return abs((a - b + 180.0) % 360.0 - 180.0)


def is_chromatic(preset: Preset) -> bool:
    return all(chroma_hue(target_oklab(a.look))[0] >= CHROMATIC for a in preset.anchors)


def grey_ramp(preset: Preset) -> dict[str, float]:
    """Worst chroma kept, hue error and lightness error over grey frames between the outermost anchors."""
    references = [(a.intensity, a.look) for a in preset.anchors]
    recolorizer = Recolorizer(preset)
    kept, hues, lightness = [], [], []
    low, high = preset.anchors[0].intensity, preset.anchors[-1].intensity
    for level in np.unique(np.round(np.linspace(low, high, RAMP_STEPS) * 255).astype(int)):
        frame = np.full((16, 16, 3), level, np.uint8)
        out = srgb_to_oklab(recolorizer(frame, np.ones((16, 16), np.float32))[0, 0] / 255.0)
        wanted = intended_oklab(references, level / 255.0)
        (c_out, h_out), (c_want, h_want) = chroma_hue(out), chroma_hue(wanted)
        kept.append(c_out / c_want if c_want > 0 else 1.0)
        hues.append(hue_error(h_out, h_want))
        lightness.append(abs(out[0] - wanted[0]))
    return {"ramp_kept": min(kept), "ramp_hue": max(hues), "ramp_L": max(lightness)}


def lightness_image(rgb: np.ndarray) -> np.ndarray:
    """Oklab L of a uint8 RGB image, converting each distinct colour once (photos repeat colours a lot)."""
    packed = (rgb[..., 0].astype(np.int32) << 16) | (rgb[..., 1].astype(np.int32) << 8) | rgb[..., 2]
    colours, index = np.unique(packed.ravel(), return_inverse=True)
    unique_rgb = np.stack([colours >> 16, (colours >> 8) & 255, colours & 255], axis=-1) / 255.0
    return srgb_to_oklab(unique_rgb)[:, 0][index].reshape(packed.shape)


def detail_rms(lightness: np.ndarray, where: np.ndarray, sigma: float) -> float:
    detail = lightness - cv2.GaussianBlur(lightness, (0, 0), sigma)
    return float(np.sqrt(np.mean(detail[where] ** 2)))


def photo_figures(preset: Preset, photo: Photo) -> dict[str, float]:
    references = [(a.intensity, a.look) for a in preset.anchors]
    recolorizer = Recolorizer(preset)
    out = recolorizer(photo.image, photo.mask)
    y, x = np.nonzero(photo.mask)
    box = (slice(y.min(), y.max() + 1), slice(x.min(), x.max() + 1))
    hair = photo.mask[box] > 0
    mean = out[box][hair].astype(np.float64).mean(axis=0) / 255.0
    got = srgb_to_oklab(mean)
    wanted = intended_oklab(references, recolorizer.intensity)
    (c_got, h_got), (c_want, h_want) = chroma_hue(got), chroma_hue(wanted)
    inner = cv2.erode(hair.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    if inner.sum() < 50:
        inner = hair
    before, after = lightness_image(photo.image[box]), lightness_image(out[box])
    position = recolorizer.position
    lower = min(int(position), len(preset.anchors) - 2)
    weight = position - lower
    texture = (1 - weight) * preset.anchors[lower].look.texture + weight * preset.anchors[lower + 1].look.texture
    return {
        "kept": c_got / c_want if c_want > 0 else 1.0,
        "hue": hue_error(h_got, h_want),
        "L": abs(got[0] - wanted[0]),
        "texture": detail_rms(after, inner, DETAIL_SIGMA) / max(detail_rms(before, inner, DETAIL_SIGMA), 1e-9),
        "asked": float(texture_slope(texture)),
        "noise": detail_rms(after, inner, NOISE_SIGMA) / max(detail_rms(before, inner, NOISE_SIGMA), 1e-9),
    }


def evaluate(preset: Preset, sample: list[Photo]) -> dict[str, float | str]:
    rows = [photo_figures(preset, photo) for photo in sample]
    chromatic = is_chromatic(preset)
    column = {key: np.array([row[key] for row in rows]) for key in rows[0]}
    dark = np.array([photo.dark for photo in sample])
    result: dict[str, float | str] = {"chromatic": "yes" if chromatic else "no", **grey_ramp(preset)}
    result.update({
        "kept_median": float(np.median(column["kept"])), "kept_p10": float(np.percentile(column["kept"], 10)),
        "hue_median": float(np.median(column["hue"])), "L_median": float(np.median(column["L"])),
        "texture_median": float(np.median(column["texture"])), "asked_median": float(np.median(column["asked"])),
        "noise_dark_median": float(np.median(column["noise"][dark])),
        "noise_dark_max": float(np.max(column["noise"][dark])),
    })
    if not chromatic:
        for key in ("ramp_kept", "ramp_hue", "kept_median", "kept_p10", "hue_median"):
            result[key] = float("nan")
    return result


def anchors_on_their_own(preset: Preset) -> Preset:
    """The same looks with each anchor baked by itself: the baseline without the joint bake."""
    anchors = [Anchor(a.intensity, a.look, bake(a.look, a.intensity, preset.lut_size)) for a in preset.anchors]
    return Preset(preset.name, preset.id, anchors, preset.description)


COLUMNS = (
    ("ramp_kept", "ramp C kept min", "{:.3f}"), ("ramp_hue", "ramp hue max", "{:.2f}"),
    ("ramp_L", "ramp L max", "{:.4f}"), ("kept_median", "C kept med", "{:.3f}"),
    ("kept_p10", "C kept p10", "{:.3f}"), ("hue_median", "hue med", "{:.2f}"), ("L_median", "L err med", "{:.3f}"),
    ("texture_median", "texture kept", "{:.2f}"), ("asked_median", "asked", "{:.2f}"),
    ("noise_dark_median", "noise dark med", "{:.2f}"), ("noise_dark_max", "noise dark max", "{:.2f}"),
)


def print_table(title: str, results: dict[str, dict[str, float | str]]) -> None:
    print(f"\n{title}")
    header = f"{'preset':14s}" + "".join(f"{label:>16s}" for _, label, _ in COLUMNS)
    print(header)
    for name, row in results.items():
        cells = "".join(f"{'-' if np.isnan(row[key]) else fmt.format(row[key]):>16s}" for key, _, fmt in COLUMNS)
        print(f"{name:14s}{cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--presets", type=Path, default=ROOT / "lut_presets", help="folder of preset YAMLs")
    parser.add_argument("--lfw", type=int, default=40, help="LFW faces spread over the intensity range")
    args = parser.parse_args()
    sample = photos(args.lfw)
    intensities = [hair_intensity(photo.image, photo.mask) for photo in sample]
    print(f"{len(sample)} photos, hair intensity {min(intensities):.3f} .. {max(intensities):.3f}, "
          f"{sum(photo.dark for photo in sample)} dark portraits")
    presets = [load_preset(path) for path in sorted(args.presets.glob("*.yaml"))]
    joint, alone = {}, {}
    for preset in tqdm(presets, desc="presets", unit="preset"):
        joint[preset.id] = evaluate(preset, sample)
        alone[preset.id] = evaluate(anchors_on_their_own(preset), sample)
    print_table(f"presets as given ({args.presets})", joint)
    print_table("baseline: the same looks, each anchor baked on its own", alone)
    chromatic = [row for row in joint.values() if row["chromatic"] == "yes"]
    if chromatic:
        print(f"\nchromatic presets, worst: ramp chroma kept {min(r['ramp_kept'] for r in chromatic):.3f} "
              f"(target >= 0.90), ramp hue {max(r['ramp_hue'] for r in chromatic):.2f} deg (<= 3), "
              f"photo chroma kept median {min(r['kept_median'] for r in chromatic):.3f} (>= 0.90), "
              f"p10 {min(r['kept_p10'] for r in chromatic):.3f} (>= 0.80)")
    print(f"all presets, worst ramp lightness error {max(r['ramp_L'] for r in joint.values()):.4f} (<= 0.04)")


if __name__ == "__main__":
    main()
