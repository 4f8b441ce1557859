"""The saved workspace, headless: the file's round trip, relative and absolute paths, a moved folder, missing
photos, bad files; the studio saving one beside its preset and restoring from it; remembered dialog folders."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

from studio.app import recent
from studio.app.references import MaskChoice, default_mask_choice, read_reference
from studio.app.state import Studio
from studio.app.workspace import (
    SUFFIX,
    VERSION_KEY,
    ReferenceEntry,
    Restore,
    SourceChoice,
    ViewState,
    Workspace,
    WorkspaceError,
    is_workspace_file,
    read_workspace,
    restore_plan,
    workspace_file_name,
    workspace_path,
    write_workspace,
)
from studio.atomic import is_temporary
from studio.images import write_image


def _photo(path: Path, hair_level: int, mask: bool = True) -> Path:
    """A 64x64 photo with a square of hair at `hair_level`, and its mask in masks/ beside it (`mask`)."""
    image = np.full((64, 64, 3), 128, np.uint8)
    image[16:48, 16:48] = (hair_level, int(hair_level * 0.9), int(hair_level * 0.8))
    path.parent.mkdir(parents=True, exist_ok=True)
    write_image(path, image)
    if mask:
        hair = np.zeros((64, 64), np.uint8)
        hair[16:48, 16:48] = 255
        (path.parent / "masks").mkdir(exist_ok=True)
        write_image(path.parent / "masks" / f"{path.stem}.png", hair)
    return path


@pytest.fixture
def project(tmp_path: Path) -> dict[str, Path]:
    """A project folder with two reference photos (masks in refs/masks/) and a still source, and a photo outside."""
    folder = tmp_path / "project"
    return {"folder": folder, "dark": _photo(folder / "refs" / "dark.png", 30),
            "light": _photo(folder / "refs" / "light.png", 220), "still": _photo(folder / "clips" / "still.png", 120),
            "outside": _photo(tmp_path / "elsewhere" / "middle.png", 120, mask=False)}


def _workspace(project: dict[str, Path]) -> Workspace:
    refs = project["folder"] / "refs"
    return Workspace(
        preset=project["folder"] / "look.yaml",
        source=SourceChoice(path=project["still"], mask=project["still"].parent / "masks" / "still.png"),
        references=(("dark", ReferenceEntry(project["dark"], MaskChoice("file", path=refs / "masks" / "dark.png"))),
                    ("middle", ReferenceEntry(project["outside"], MaskChoice("rectangle", box=(4, 5, 40, 50)))),
                    ("light", ReferenceEntry(project["light"], MaskChoice("segmenter")))),
        view=ViewState("light", 2.5, True))


def test_a_workspace_round_trips_with_paths_relative_inside_its_folder_and_absolute_outside(
        project: dict[str, Path]) -> None:
    saved = _workspace(project)
    path = write_workspace(saved, project["folder"] / "look.workspace.yaml")
    assert read_workspace(path) == (saved, [])

    data = yaml.safe_load(path.read_text())
    assert data[VERSION_KEY] == 1 and data["preset"] == "look.yaml"
    assert data["source"] == {"file": "clips/still.png", "mask": "clips/masks/still.png"}
    assert data["references"]["dark"] == {"photo": "refs/dark.png", "mask": {"file": "refs/masks/dark.png"}}
    assert data["references"]["light"] == {"photo": "refs/light.png", "mask": "segmenter"}
    middle = data["references"]["middle"]
    assert middle == {"photo": str(project["outside"].resolve()), "mask": {"rectangle": [4, 5, 40, 50]}}
    assert Path(middle["photo"]).is_absolute()
    assert list(data["references"]) == ["dark", "middle", "light"]
    assert data["view"] == {"preview_as": "light", "zoom": 2.5, "scopes": True}

    camera = Workspace(source=SourceChoice.from_spec("camera:1"))
    write_workspace(camera, path)
    assert yaml.safe_load(path.read_text())["source"] == {"camera": 1}
    assert read_workspace(path) == (camera, [])


def test_a_moved_folder_still_finds_what_was_inside_it(project: dict[str, Path], tmp_path: Path) -> None:
    write_workspace(_workspace(project), project["folder"] / "look.workspace.yaml")
    moved = tmp_path / "moved" / "project"
    moved.parent.mkdir()
    shutil.move(project["folder"], moved)
    workspace, problems = read_workspace(moved / "look.workspace.yaml")
    assert problems == []
    entries = dict(workspace.references)
    assert entries["dark"].photo == (moved / "refs" / "dark.png").resolve()
    assert entries["dark"].mask.path == (moved / "refs" / "masks" / "dark.png").resolve()
    assert entries["middle"].photo == project["outside"].resolve()  # outside the folder: where it was
    assert workspace.source.path == (moved / "clips" / "still.png").resolve() and workspace.preset.parent == moved


def test_a_missing_photo_is_named_and_the_rest_still_restores(project: dict[str, Path]) -> None:
    path = write_workspace(_workspace(project), project["folder"] / "look.workspace.yaml")
    project["dark"].unlink()
    (project["still"].parent / "masks" / "still.png").unlink()
    workspace, problems = read_workspace(path)
    assert problems == [f"the source mask still.png is missing (looked for {project['folder'].resolve()}/clips/masks/"
                        f"still.png)", f"the dark photo dark.png is missing (looked for "
                        f"{project['dark'].resolve()})"]
    assert [role for role, _ in workspace.references] == ["dark", "middle", "light"]  # kept for when it is back
    plan = restore_plan(project["folder"] / "look.yaml", 1, workspace, problems, path)
    assert [role for role, _ in plan.references] == ["middle", "light"] and plan.source is None
    message, problem = plan.summary()
    assert problem and "dark.png is missing" in message and "middle reference, light reference" in message


@pytest.mark.parametrize(("text", "expected"), [
    ("references: [dark\n", "not valid YAML at line 2"),
    ("- a\n- b\n", "not a workspace (expected a mapping"),
    ("preset: look.yaml\n", f"not a workspace (no '{VERSION_KEY}' field)"),
    (f"{VERSION_KEY}: 2\n", "version 2 is newer than this studio reads (1)"),
    (f"{VERSION_KEY}: one\n", "must be a whole number, not 'one'"),
    (f"{VERSION_KEY}: true\n", "must be a whole number, not True"),
])
def test_a_file_that_is_no_workspace_raises_an_error_naming_it(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "bad.workspace.yaml"
    path.write_text(text)
    with pytest.raises(WorkspaceError, match=expected.replace("(", r"\(").replace(")", r"\)")) as caught:
        read_workspace(path)
    assert str(caught.value).startswith(f"{path}: ")
    with pytest.raises(WorkspaceError, match="file not found"):
        read_workspace(tmp_path / "none.workspace.yaml")


def test_wrong_fields_are_problems_and_the_rest_still_loads(project: dict[str, Path]) -> None:
    path = project["folder"] / "look.workspace.yaml"
    path.write_text(yaml.safe_dump({
        VERSION_KEY: 1, "colour": "red", "preset": 7, "source": {"camera": -1},
        "references": {"dark": {"photo": "refs/dark.png", "mask": 5}, "light": {"photo": "refs/light.png",
                                                                                 "mask": "whole"},
                       "middle": {"mask": "whole"}, "blonde": {}},
        "view": {"preview_as": "sideways", "zoom": "big", "scopes": "yes", "split": 0.5}}))
    workspace, problems = read_workspace(path)
    assert workspace == Workspace(references=(("light", ReferenceEntry(project["light"].resolve(),
                                                                       MaskChoice("whole"))),))
    assert problems == [
        "unknown field 'colour' ignored",
        "preset: expected a file path, not 7",
        "source.camera: expected a camera index (0, 1, ...), not -1",
        "references: unknown role 'blonde' ignored (use dark, middle, light)",
        "references.dark.mask: expected segmenter, whole, {file: PATH} or {rectangle: [x0, y0, x1, y1]}, not 5",
        "references.middle.photo: missing",
        "view: unknown field 'split' ignored",
        "view.preview_as: expected one of auto, dark, middle, light, not 'sideways'",
        "view.zoom: expected a number of at least 1, not 'big'",
        "view.scopes: expected true or false, not 'yes'",
    ]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_debris(project: dict[str, Path],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_workspace(Workspace(view=ViewState(zoom=3.0)), project["folder"] / "look.workspace.yaml")
    before = path.read_bytes()
    original = Path.write_bytes

    def half_then_fail(self: Path, data: bytes) -> int:
        original(self, data[: len(data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", half_then_fail)
    with pytest.raises(WorkspaceError, match="look.workspace.yaml: cannot be written \\(No space left on device\\)"):
        write_workspace(_workspace(project), path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert not [name for name in os.listdir(project["folder"]) if is_temporary(name)]
    folder_target = project["folder"] / "taken.workspace.yaml"
    folder_target.mkdir()  # the rename over it fails
    with pytest.raises(WorkspaceError, match="cannot be written"):
        write_workspace(Workspace(), folder_target)
    assert not [name for name in os.listdir(project["folder"]) if is_temporary(name)]


def test_names_sources_and_restore_plans() -> None:
    assert workspace_path(Path("/p/copper.yaml")) == Path("/p/copper.workspace.yaml")
    assert workspace_path(Path("/p/copper.v2.yml")) == Path("/p/copper.v2.workspace.yaml")
    assert is_workspace_file("a/COPPER.Workspace.yaml") and not is_workspace_file("copper.yaml")
    assert [workspace_file_name(name).name for name in ("c.workspace.yaml", "c.yaml", "c.yml", "c", "c.ws")] == \
        ["c.workspace.yaml", "c.workspace.yaml", "c.workspace.yaml", "c" + SUFFIX, "c.ws" + SUFFIX]
    assert SourceChoice.from_spec("camera:2") == SourceChoice(camera=2) == SourceChoice.from_spec(" 2 ")
    assert SourceChoice.from_spec("camera:2").spec == "camera:2"
    assert SourceChoice.from_spec("clip.mp4").path == Path("clip.mp4").resolve()
    entry = ReferenceEntry(Path("/nowhere/d.png"), MaskChoice("whole"))
    plan = Restore(Path("p.yaml"), 3, Path("p.workspace.yaml"), (("dark", entry), ("light", entry)),
                   SourceChoice(camera=0), ViewState())
    trimmed = plan.without(["light"], source=True)
    assert [role for role, _ in trimmed.references] == ["dark"] and trimmed.source is None and trimmed.view
    assert plan.summary() == ("Opened p.yaml with its workspace (dark reference, light reference, source camera:0).",
                              False)
    assert Restore(Path("p.yaml"), 1).summary() == ("Opened p.yaml.", False)


# ----- the studio -----

def _studio_with_references(project: dict[str, Path]) -> Studio:
    studio = Studio()
    for role in ("dark", "light"):
        path = project[role]
        studio.set_reference(role, read_reference(path, default_mask_choice(path, segmenter_ready=False)))
    studio.set_look("light", target="#d2691e")
    return studio


def _restored(studio: Studio, plan: Restore) -> list[str]:
    """Carry out `plan`'s references as the window does (here, not in the background); the notes."""
    notes = [studio.restore_reference(role, read_reference(entry.photo, entry.mask), plan.generation)
             for role, entry in plan.references]
    return [note for note in notes if note]


def test_saving_a_preset_writes_its_workspace_and_opening_it_restores_references_source_and_view(
        project: dict[str, Path]) -> None:
    studio = _studio_with_references(project)
    studio.note_source(str(project["still"]))
    studio.note_view(zoom=2.0, scopes=True)
    studio.set_preview_mode("dark")
    preset = studio.save(project["folder"] / "look.yaml")
    assert studio.save_note == "" and workspace_path(preset).is_file()

    reopened = Studio()
    plan = reopened.open(preset)
    assert reopened.document.dark.reference is None  # the photos come back through the restore
    assert [(role, entry.photo, entry.mask.kind) for role, entry in plan.references] == [
        ("dark", project["dark"].resolve(), "file"), ("light", project["light"].resolve(), "file")]
    assert plan.source == SourceChoice(path=project["still"].resolve()) and plan.problems == ()
    assert plan.view == ViewState("dark", 2.0, True) and reopened.preview_mode == "dark"
    assert _restored(reopened, plan) == []
    for role in ("dark", "light"):
        restored, saved = reopened.document.slot(role).reference, studio.document.slot(role).reference
        assert restored.path == saved.path.resolve() and np.array_equal(restored.mask, saved.mask)
    assert reopened.document.content() == studio.document.content()
    assert not reopened.dirty and not reopened.can_undo  # restoring is not an edit

    # Opening the workspace file itself does the same, preset included.
    again = Studio()
    plan = again.open(workspace_path(preset))
    assert again.path == preset.resolve() and again.document.content() == studio.document.content()
    assert [role for role, _ in plan.references] == ["dark", "light"] and plan.source is not None


def test_a_reference_restored_late_or_measuring_otherwise(project: dict[str, Path]) -> None:
    studio = _studio_with_references(project)
    preset = studio.save(project["folder"] / "look.yaml")
    reopened = Studio()
    plan = reopened.open(preset)
    reopened.new()  # another file opened before the photos came: they are dropped
    assert _restored(reopened, plan) == [] and reopened.document.dark.reference is None

    _photo(project["dark"], 60)  # the photo changed since: the preset keeps its intensity, a note says so
    plan = reopened.open(preset)
    notes = _restored(reopened, plan)
    assert len(notes) == 1 and notes[0].startswith("the dark photo dark.png now measures 0.")
    assert reopened.document.dark.intensity == studio.document.dark.intensity and not reopened.dirty


def test_a_missing_photo_is_reported_and_kept_in_the_next_save(project: dict[str, Path]) -> None:
    preset = _studio_with_references(project).save(project["folder"] / "look.yaml")
    moved_away = project["dark"].rename(project["dark"].with_name("gone.png"))
    studio = Studio()
    plan = studio.open(preset)
    assert [role for role, _ in plan.references] == ["light"]
    message, problem = plan.summary()
    assert problem and "the dark photo dark.png is missing" in message
    _restored(studio, plan)
    studio.set_name("Renamed")
    studio.save()  # the photo is away for now: the workspace still names it
    assert [role for role, _ in read_workspace(workspace_path(preset))[0].references] == ["dark", "light"]
    moved_away.rename(project["dark"])
    assert [role for role, _ in Studio().open(preset).references] == ["dark", "light"]


def test_a_workspace_without_its_preset_still_restores_the_references(project: dict[str, Path]) -> None:
    studio = _studio_with_references(project)
    written = studio.save_workspace(project["folder"] / "session")
    assert written.name == "session.workspace.yaml"
    assert "preset" not in yaml.safe_load(written.read_text())  # never saved: no preset to name

    opened = Studio()
    plan = opened.open(written)
    assert opened.path is None and [role for role, _ in plan.references] == ["dark", "light"]
    _restored(opened, plan)
    assert opened.document.dark.intensity == studio.document.dark.intensity  # measured from the photos

    data = yaml.safe_load(written.read_text())
    data["preset"] = "gone.yaml"
    written.write_text(yaml.safe_dump(data))
    plan = Studio().open(written)
    assert any("the preset was not opened" in p and "gone.yaml" in p for p in plan.problems)
    assert [role for role, _ in plan.references] == ["dark", "light"]

    written.write_text(f"{VERSION_KEY}: 9\n")
    opened = Studio()
    opened.set_name("Kept")
    with pytest.raises(WorkspaceError, match="version 9"):
        opened.open(written)
    assert opened.document.name == "Kept"  # a file that is no workspace changes nothing

    preset = studio.save(project["folder"] / "kept.yaml")  # a broken workspace beside a preset: still opens
    workspace_path(preset).write_text("{{{")
    plan = Studio().open(preset)
    assert plan.references == () and "not valid YAML" in plan.problems[0] and plan.summary()[1]


def test_a_workspace_that_cannot_be_written_does_not_fail_the_save(project: dict[str, Path]) -> None:
    studio = _studio_with_references(project)
    workspace_path(project["folder"] / "look.yaml").mkdir()
    preset = studio.save(project["folder"] / "look.yaml")
    assert preset.is_file() and not studio.dirty
    assert studio.save_note.startswith("the workspace was not saved:") and "cannot be written" in studio.save_note


def test_dialog_folders_are_remembered_per_kind_across_sessions(tmp_path: Path) -> None:
    photos, presets = tmp_path / "photos", tmp_path / "presets"
    photos.mkdir()
    presets.mkdir()
    assert recent.start_folder("photo") is None
    recent.remember_folder("photo", photos)
    assert recent.start_folder("photo") == photos.resolve() and recent.start_folder("preset") == photos.resolve()
    recent.remember_folder("preset", presets)
    assert recent.start_folder("photo") == photos.resolve() and recent.start_folder("preset") == presets.resolve()
    assert recent.folders_file().parent == tmp_path / "config"  # tests never touch the user's own settings
    photos.rmdir()
    assert recent.start_folder("photo") == presets.resolve()  # gone: the last folder of any kind
    with pytest.raises(ValueError, match="unknown dialog kind"):
        recent.remember_folder("other", presets)
    recent.folders_file().write_text("[not, a, mapping]")
    assert recent.start_folder("preset") is None
