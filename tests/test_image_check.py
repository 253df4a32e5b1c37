"""kb check on exercise pictures: missing is a warning, unusable is an error, large a warning."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.tools.image_check import SLOW_BYTES
from bot.tools.kb_check import check_knowledge

ROOT = Path(__file__).resolve().parent.parent


def copy(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", target)
    return target


def test_the_real_pictures_pass(tmp_path: Path) -> None:
    report = check_knowledge(copy(tmp_path))
    assert not report.failed(strict=True), [str(p) for p in report.warnings + report.errors]


def test_a_missing_picture_is_a_warning(tmp_path: Path) -> None:
    knowledge = copy(tmp_path)
    (knowledge / "images" / "pigeon-pose.png").unlink()
    report = check_knowledge(knowledge)
    assert not report.failed() and report.failed(strict=True)
    [warning] = [str(p) for p in report.warnings]
    assert "knowledge/images/pigeon-pose.png" in warning and "no picture" in warning


def test_a_picture_telegram_would_refuse_is_an_error(tmp_path: Path) -> None:
    knowledge = copy(tmp_path)
    (knowledge / "images" / "bridge-pose.png").write_bytes(b"GIF89a not a png")
    report = check_knowledge(knowledge)
    assert report.failed()
    assert any("is not a PNG picture" in str(p) for p in report.errors)


def test_a_large_picture_is_a_warning(tmp_path: Path) -> None:
    knowledge = copy(tmp_path)
    path = knowledge / "images" / "hip-flexor-stretch.png"
    path.write_bytes(path.read_bytes() + b"\0" * (SLOW_BYTES + 1))
    report = check_knowledge(knowledge)
    assert not report.failed()
    assert any("slow to send" in str(p) for p in report.warnings)
