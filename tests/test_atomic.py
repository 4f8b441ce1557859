"""Atomic writes: their temporary names are recognised as debris, and stay legal beside long target names."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from studio.atomic import atomic_path, is_temporary, temporary_file, temporary_folder


@pytest.mark.parametrize("name", [".copper.abc123.tmp.yaml", ".copper.dark.staging.k2j4h5g6.tmp.png", ".x.tmp",
                                  ".pack-abcd1234", ".extract-a_b1", "..q1w2e3r4.tmp.zip"])
def test_the_projects_temporary_names_are_recognised(name: str):
    assert is_temporary(name)


@pytest.mark.parametrize("name", ["copper.yaml", "copper.tmp.yaml", ".DS_Store", ".git", ".pack-", ".hidden.yaml",
                                  "pack-abcd1234", ".pack-ab.cd"])
def test_other_names_are_not_temporary(name: str):
    assert not is_temporary(name)


def test_every_temporary_name_made_is_recognised(tmp_path: Path):
    made = [temporary_file(tmp_path, "copper", ".yaml"), temporary_file(tmp_path, "x" * 300, ""),
            temporary_folder(tmp_path, "pack"), temporary_folder(tmp_path, "extract")]
    with atomic_path(tmp_path / "out.png") as temp:
        made.append(temp)
        assert all(is_temporary(path.name) for path in made)
    with pytest.raises(ValueError, match="purpose"):
        temporary_folder(tmp_path, "other")


def test_a_long_but_legal_target_name_gets_a_legal_temporary_name(tmp_path: Path):
    target = tmp_path / ("t" * 250 + ".yaml")
    with atomic_path(target) as temp:
        temp.write_text("whole")
        assert len(temp.name) <= 255
    assert os.listdir(tmp_path) == [target.name]
    assert target.read_text() == "whole"


def test_temporary_files_get_normal_permissions(tmp_path: Path):
    mask = os.umask(0o022)
    try:
        assert temporary_file(tmp_path, "x").stat().st_mode & 0o777 == 0o644
    finally:
        os.umask(mask)
