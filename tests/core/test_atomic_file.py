"""All-or-nothing writes: the one helper scenes, datasets and exports use."""

import os
import stat

import pytest

from gdviz.core.atomic_file import atomic_path, temporary_name, write_text_atomically


def test_a_write_replaces_the_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "scene.json"
    target.write_text("old", encoding="utf-8")
    write_text_atomically("new", target)
    assert target.read_text(encoding="utf-8") == "new"
    assert os.listdir(tmp_path) == ["scene.json"]


def test_a_failure_keeps_the_old_file_and_removes_the_temporary(tmp_path):
    target = tmp_path / "data.csv"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_path(target) as temporary:
        temporary.write_text("half", encoding="utf-8")
        raise RuntimeError("the disk filled")
    assert target.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["data.csv"]


def test_a_temporary_folder_is_removed_too(tmp_path):
    target = tmp_path / "frames"
    with pytest.raises(KeyboardInterrupt), atomic_path(target) as temporary:
        temporary.mkdir()
        (temporary / "frame_00000.png").write_bytes(b"x")
        raise KeyboardInterrupt
    assert os.listdir(tmp_path) == []


def test_the_longest_legal_name_still_gets_a_legal_hidden_temporary(tmp_path):
    name = "é" * 125 + ".mp4"  # 254 bytes in UTF-8
    assert len(name.encode()) == 254
    temporary = temporary_name(tmp_path / name)
    assert len(temporary.name.encode()) <= 255
    assert temporary.name.startswith(".") and temporary.suffix == ".mp4"
    write_text_atomically("ok", tmp_path / name)
    assert (tmp_path / name).read_text(encoding="utf-8") == "ok"


def test_temporaries_are_unique_and_keep_the_suffix(tmp_path):
    a, b = temporary_name(tmp_path / "run.gif"), temporary_name(tmp_path / "run.gif")
    assert a != b and a.suffix == b.suffix == ".gif" and a.parent == tmp_path


def test_an_old_files_permissions_are_kept(tmp_path):
    target = tmp_path / "shared.json"
    target.write_text("old", encoding="utf-8")
    os.chmod(target, 0o640)
    write_text_atomically("new", target)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640


def test_a_missing_folder_or_a_folder_in_the_way_is_said_plainly(tmp_path):
    with pytest.raises(OSError, match="the folder .* does not exist"):
        write_text_atomically("x", tmp_path / "nope" / "a.json")
    (tmp_path / "a.json").mkdir()
    with pytest.raises(OSError, match="it is a folder"):
        write_text_atomically("x", tmp_path / "a.json")
