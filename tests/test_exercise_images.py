"""The exercise pictures: the script draws valid, small, deterministic PNGs of plausible poses,
one per exercise entry, and the committed defaults are what it draws now.

"What it draws now" is checked in two ways, because pixels alone cannot be: matplotlib 3.9 and
3.11 render the same text a fraction of a pixel apart, a difference as large as a changed
caption's. So every drawn PNG carries a hash of the drawing code, which must match the code as
it is (exact, on any library version); and where the installed libraries are the ones that drew
the committed files, the bytes must match too. A picture a maintainer put in place of a default
carries no source tag (replacing them is allowed): it only has to be a valid PNG.
"""

from __future__ import annotations

import importlib
import io
import math
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
IMAGES = ROOT / "knowledge" / "images"
MAX_BYTES = 150 * 1024


@pytest.fixture(scope="module")
def script() -> Iterator[ModuleType]:
    """The drawing script and its helper module, imported from scripts/ (not a package)."""
    sys.path.insert(0, str(SCRIPTS))
    try:
        yield importlib.import_module("draw_exercise_images")
    finally:
        sys.path.remove(str(SCRIPTS))


@pytest.fixture(scope="module")
def drawing(script: ModuleType) -> ModuleType:
    return importlib.import_module("exercise_drawing")


@pytest.fixture(scope="module")
def drawn(script: ModuleType) -> dict[str, bytes]:
    """Each picture drawn once for the whole module (drawing takes a fraction of a second)."""
    return {picture.file_name: script.render(picture) for picture in script.PICTURES}


def decode(data: bytes) -> Any:
    """The decoded PNG (a PngImageFile, whose ``text`` holds the tEXt entries)."""
    image = Image.open(io.BytesIO(data))
    image.load()  # decodes every row: a truncated or corrupt file raises here
    return image


def exercise_ids() -> list[str]:
    ids = []
    for path in sorted((ROOT / "knowledge" / "entries").glob("*.yaml")):
        entry = yaml.safe_load(path.read_text(encoding="utf-8"))
        if entry.get("kind") == "exercise":
            ids.append(entry["id"])
    return ids


def test_there_is_one_picture_per_exercise_entry(script: ModuleType) -> None:
    names = [picture.file_name for picture in script.PICTURES]
    assert sorted(names) == sorted(f"{entry_id}.png" for entry_id in exercise_ids())
    assert len(names) == 3


def test_each_drawing_is_a_small_phone_sized_png(
    drawn: dict[str, bytes], drawing: ModuleType
) -> None:
    for name, data in drawn.items():
        image = decode(data)
        assert image.format == "PNG", name
        width, height = image.size
        assert width == 1080, name
        assert 600 <= height <= 1800, f"{name}: {height} px tall"
        assert len(data) <= MAX_BYTES, f"{name}: {len(data)} bytes"
        # What drew it, and nothing that changes from run to run (no date).
        assert image.text == drawing.provenance(), name
        assert image.text["Source"] == drawing.SOURCE_TAG, name


def test_the_script_draws_the_same_bytes_again_into_the_folder_given(
    tmp_path: Path, drawn: dict[str, bytes], script: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    """A second drawing (through the command line this time) is byte for byte the first."""
    assert script.main(["--out", str(tmp_path / "out")]) == 0
    written = {path.name: path.read_bytes() for path in (tmp_path / "out").iterdir()}
    assert written == drawn
    assert "pigeon-pose.png: " in capsys.readouterr().out


def stale_images(folder: Path, drawn: dict[str, bytes], current: dict[str, str]) -> list[str]:
    """What is wrong with the pictures in ``folder``, compared with a fresh drawing."""
    redraw = "run: python scripts/draw_exercise_images.py"
    problems = []
    for name, data in drawn.items():
        path = folder / name
        if not path.is_file():
            problems.append(f"{name} is missing; {redraw}")
            continue
        try:
            committed = decode(path.read_bytes())
        except OSError:
            problems.append(f"{name} is not a valid PNG")
            continue
        if committed.format != "PNG":
            problems.append(f"{name} is not a PNG")
        elif committed.text.get("Source") != current["Source"]:
            continue  # a maintainer's own picture: valid is enough (kb check judges its size)
        elif committed.text.get("Code") != current["Code"]:
            problems.append(f"{name} was drawn by older drawing code; {redraw}")
        elif committed.text.get("Libraries") == current["Libraries"] and path.read_bytes() != data:
            problems.append(f"{name} differs from a fresh drawing; {redraw}")
    return problems


def test_the_committed_defaults_are_what_the_script_draws(
    drawn: dict[str, bytes], drawing: ModuleType
) -> None:
    assert stale_images(IMAGES, drawn, drawing.provenance()) == []


def test_stale_missing_and_replaced_pictures_are_told_apart(
    tmp_path: Path, drawn: dict[str, bytes], drawing: ModuleType
) -> None:
    current = drawing.provenance()
    for name, data in drawn.items():
        (tmp_path / name).write_bytes(data)
    assert stale_images(tmp_path, drawn, current) == []
    # A maintainer's own picture (no source tag) replaces a default: allowed.
    Image.new("RGB", (800, 600), "white").save(tmp_path / "bridge-pose.png")
    assert stale_images(tmp_path, drawn, current) == []
    # Drawn by an older version of the code, with these or with other libraries.
    older = {**current, "Code": "0" * 16}
    stale = stale_images(tmp_path, drawn, older)
    assert stale == [
        "hip-flexor-stretch.png was drawn by older drawing code; "
        "run: python scripts/draw_exercise_images.py",
        "pigeon-pose.png was drawn by older drawing code; "
        "run: python scripts/draw_exercise_images.py",
    ]
    # Same code and libraries but other bytes (edited by hand): caught.
    (tmp_path / "pigeon-pose.png").write_bytes(drawn["hip-flexor-stretch.png"])
    assert stale_images(tmp_path, drawn, current) == [
        "pigeon-pose.png differs from a fresh drawing; run: python scripts/draw_exercise_images.py"
    ]
    # Other libraries drew it from the same code: glyph edges may differ, which is fine.
    assert stale_images(tmp_path, drawn, {**current, "Libraries": "matplotlib 9"}) == []
    (tmp_path / "hip-flexor-stretch.png").write_bytes(b"not a png")
    (tmp_path / "pigeon-pose.png").unlink()
    assert stale_images(tmp_path, drawn, current) == [
        "hip-flexor-stretch.png is not a valid PNG",
        "pigeon-pose.png is missing; run: python scripts/draw_exercise_images.py",
    ]


# --- The poses are anatomically consistent ---------------------------------------------------


Point = tuple[float, float]


def segments(pose: object) -> Iterator[tuple[str, Point, Point]]:
    for limb_name in ("near_arm", "near_leg", "far_leg"):
        limb = getattr(pose, limb_name)
        yield f"{limb_name} upper", limb.root, limb.middle
        yield f"{limb_name} lower", limb.middle, limb.end
        if limb.tip is not None:
            yield f"{limb_name} foot", limb.end, limb.tip


def lowest_edges(pose: object, body: object) -> Iterator[tuple[str, float]]:
    """Every drawn part's lowest point: a joint's height minus the part's half thickness."""
    yield "head", pose.head[1] - body.head_r  # type: ignore[attr-defined]
    for joint in ("hip", "shoulder"):
        yield joint, getattr(pose, joint)[1] - body.torso_w / 2  # type: ignore[attr-defined]
    for part, start, end in segments(pose):
        if part.endswith("foot"):
            radius = body.foot_w / 2  # type: ignore[attr-defined]
        elif "arm" in part:
            radius = body.arm_w / 2  # type: ignore[attr-defined]
        else:
            radius = body.leg_w / 2  # type: ignore[attr-defined]
        yield part, min(start[1], end[1]) - radius


def all_poses(script: ModuleType) -> dict[str, Any]:
    return {
        "kneel": script.kneeling_pose(0),
        "kneel, hips forward": script.kneeling_pose(18),
        "plank": script.plank_pose(),
        "pigeon": script.pigeon_upright(),
        "pigeon, lowered": script.pigeon_lowered(),
        "bridge, down": script.bridge_pose(False),
        "bridge, up": script.bridge_pose(True),
    }


def test_every_pose_rests_on_the_floor_and_nothing_goes_through_it(
    script: ModuleType, drawing: ModuleType
) -> None:
    for name, pose in all_poses(script).items():
        edges = dict(lowest_edges(pose, drawing.BODY_SIZE))
        below = {part: round(y, 3) for part, y in edges.items() if y < -0.006}
        assert not below, f"{name}: below the floor: {below}"
        assert min(edges.values()) < 0.005, f"{name} floats above the floor"


def test_limbs_keep_their_lengths_in_every_pose(script: ModuleType, drawing: ModuleType) -> None:
    body = drawing.BODY_SIZE
    expected = {"upper": (body.upper_arm, body.thigh), "lower": (body.forearm, body.shin)}
    for name, pose in all_poses(script).items():
        assert math.dist(pose.hip, pose.shoulder) == pytest.approx(body.torso), name
        for part, start, end in segments(pose):
            limb_name, segment = part.split(" ")
            if segment == "foot":
                continue
            length = expected[segment][0 if "arm" in limb_name else 1]
            if name.startswith("pigeon") and part == "near_leg lower":
                # The right shin points across the body: seen from the side it looks shorter.
                assert math.dist(start, end) < length, name
                continue
            assert math.dist(start, end) == pytest.approx(length, abs=1e-6), f"{name}: {part}"


def test_the_kneeling_start_has_both_knees_at_right_angles(
    script: ModuleType, drawing: ModuleType
) -> None:
    start = script.kneeling_pose(0)
    assert drawing.knee_angle(start.near_leg) == pytest.approx(90, abs=1)
    assert drawing.knee_angle(start.far_leg) == pytest.approx(90, abs=1)
    forward = script.kneeling_pose(18)
    assert forward.hip[0] > start.hip[0] + 0.1  # the hips go forward
    assert forward.far_leg.end == start.far_leg.end  # the front foot stays put
    assert forward.shoulder[0] == pytest.approx(forward.hip[0])  # the back stays upright


def test_the_bridge_lifts_the_hips_and_keeps_the_feet(script: ModuleType) -> None:
    down, up = script.bridge_pose(False), script.bridge_pose(True)
    assert up.hip[1] > down.hip[1] + 0.15
    assert up.near_leg.end == down.near_leg.end
    assert up.shoulder == down.shoulder
    # At the top the shoulders, hips and knees line up.
    assert script.angle_of(up.shoulder, up.hip) == pytest.approx(
        script.angle_of(up.hip, up.near_leg.middle), abs=1
    )


def test_the_plank_puts_the_hands_under_the_shoulders(script: ModuleType) -> None:
    plank = script.plank_pose()
    assert plank.near_arm.end[0] == pytest.approx(plank.shoulder[0])
    assert script.angle_of(plank.hip, plank.shoulder) == pytest.approx(
        script.angle_of(plank.near_leg.end, plank.hip), abs=1
    )
