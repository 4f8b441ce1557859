"""The fast sampler's machinery: bands worked in parallel, per-thread buffers, table layouts, resampling.

Its accuracy against colour-science is tested in tests/test_lut.py; here each piece is checked against a plainer
way of computing the same thing.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import warnings

import numpy as np
import pytest

import studio.runtime.lut_sampler as lut_sampler
from studio.look import bake
from studio.runtime import LUT3D, Look

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import colour


def photo_like(height: int, width: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    base = np.stack([x / width, y / height, 0.5 + 0.5 * np.sin(x / 17.0 + y / 29.0)], axis=-1)
    return np.clip(np.round(base * 230 + rng.integers(0, 26, (height, width, 3))), 0, 255).astype(np.uint8)


def copper(size: int = 33) -> LUT3D:
    return bake(Look(target="#b87333", shine=0.5), 0.35, size=size)


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_a_frame_split_into_bands_equals_the_frame_done_row_by_row(monkeypatch, dtype):
    monkeypatch.setattr(lut_sampler, "_WORKERS", 4)  # four bands even on a one-core machine
    image = photo_like(700, 400)
    if dtype == np.float32:
        image = (image / np.float32(255.0)).astype(np.float32)
    sampler = copper().sampler()
    whole = sampler.apply(image)  # 280,000 pixels: worked in bands on the pool
    rows = np.concatenate([sampler.apply(image[y : y + 1]) for y in range(image.shape[0])])  # one band each
    np.testing.assert_array_equal(whole, rows)


def test_threads_applying_at_once_get_the_answers_they_would_get_alone():
    sampler = copper().sampler()
    images = [photo_like(h, w, seed) for seed, (h, w) in enumerate([(300, 500), (31, 17), (480, 640), (5, 900)])]
    alone = [sampler.apply(image) for image in images]
    failures: list[str] = []

    def work(index: int) -> None:
        for _ in range(5):  # each thread alternates sizes, so its buffers are regrown and reviewed
            for offset in range(len(images)):
                which = (index + offset) % len(images)
                if not np.array_equal(sampler.apply(images[which]), alone[which]):
                    failures.append(f"thread {index}, image {which}")

    threads = [threading.Thread(target=work, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures


def test_both_green_layouts_give_the_same_pixels(monkeypatch):
    lut, image = copper(33), photo_like(120, 160)
    along_x = LUT3D(lut.table).apply(image)
    monkeypatch.setattr(lut_sampler, "_green_along_x", lambda grid: False)  # noqa: ARG005
    stacked = LUT3D(lut.table).apply(image)  # a fresh LUT3D builds its sampler with the other layout
    np.testing.assert_array_equal(along_x, stacked)


def test_the_65_point_layout_keeps_rows_under_the_vectorised_remap_limit():
    assert lut_sampler._green_along_x(33)
    assert not lut_sampler._green_along_x(65)


def test_small_luts_are_resampled_onto_the_finer_grid_exactly():
    table = copper(17).table.astype(np.float64)
    fine = table
    for axis in range(3):
        fine = lut_sampler._resample(fine, axis, lut_sampler.MIN_GRID)
    assert fine.shape == (33, 33, 33, 3)
    points = np.random.default_rng(3).random((4000, 3))
    coarse_values = colour.LUT3D(table=table).apply(points)
    fine_values = colour.LUT3D(table=fine).apply(points)
    assert np.abs(coarse_values - fine_values).max() < 1e-9


def test_resample_keeps_the_end_entries():
    table = np.random.default_rng(0).random((17, 17, 17, 3))
    fine = lut_sampler._resample(table, 0, 33)
    np.testing.assert_allclose(fine[0], table[0])
    np.testing.assert_allclose(fine[-1], table[-1])
    np.testing.assert_allclose(fine[2], table[1])


def test_a_blended_sampler_blends_again_like_the_twice_blended_lut():
    a, b, c = copper(33), LUT3D.identity(33), bake(Look(target="#20304a"), 0.2, size=33)
    image = photo_like(64, 96)
    twice = a.sampler().blend(b.sampler(), 0.3).blend(c.sampler(), 0.6)  # the first mix is made in float on demand
    expected = a.blend(b, 0.3).blend(c, 0.6).apply(image)
    assert np.abs(twice.apply(image).astype(int) - expected).max() <= 1
    as_float = (image / np.float32(255.0)).astype(np.float32)
    np.testing.assert_allclose(twice.apply(as_float), a.blend(b, 0.3).blend(c, 0.6).apply(as_float), atol=1e-5)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX-only")
def test_a_forked_child_can_still_apply_in_bands(monkeypatch):
    monkeypatch.setattr(lut_sampler, "_WORKERS", 2)
    sampler, image = copper().sampler(), photo_like(700, 400)
    expected = sampler.apply(image)  # the parent's pool now exists, with its threads
    pid = os.fork()
    if pid == 0:  # the child: its copy of the pool has no threads
        os._exit(0 if np.array_equal(sampler.apply(image), expected) else 1)
    deadline = time.monotonic() + 60
    while (status := os.waitpid(pid, os.WNOHANG))[0] == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    if status[0] == 0:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        pytest.fail("the forked child hung applying a LUT in bands")
    assert os.waitstatus_to_exitcode(status[1]) == 0


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("transpose", [False, True])
def test_images_longer_than_remap_takes_are_worked_in_blocks(dtype, transpose):
    image = photo_like(2, 40_000)  # OpenCV's remap refuses images 32767 pixels wide or high, or more
    if dtype == np.float32:
        image = (image / np.float32(255.0)).astype(np.float32)
    sampler = copper().sampler()
    pieces = np.concatenate([sampler.apply(image[:, left : left + 1000]) for left in range(0, 40_000, 1000)], axis=1)
    if transpose:
        image, pieces = image.transpose(1, 0, 2), pieces.transpose(1, 0, 2)
    np.testing.assert_array_equal(sampler.apply(image), pieces)
