"""How the exercise pictures are drawn: the body, its kinematics, the cues, the page, the PNG.

Used by ``draw_exercise_images.py``, which poses the figure for each exercise.

The figure is posed by forward kinematics: a pose is a hip position plus one absolute angle per
body segment (and a two-link solver where a hand or foot must land on a given spot), so every
limb keeps its length from panel to panel. Limbs are capsules in data units, so the drawing
looks the same at any resolution.

matplotlib's object API with the Agg canvas is used, never ``pyplot``: ``pyplot`` keeps every
figure alive in a global registry, a ``Figure`` is freed when it goes out of scope. Pillow (which
matplotlib itself requires) writes a palette PNG with no date in it, so the same libraries draw
the same bytes every time. Each PNG names what drew it (see ``provenance``): a test uses that
to tell a drawn default from a maintainer's own picture and a stale drawing from a fresh one.
"""

from __future__ import annotations

import hashlib
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import numpy as np
import PIL
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Ellipse, FancyArrowPatch, Polygon, Rectangle
from PIL import Image, features
from PIL.PngImagePlugin import PngInfo

DPI = 100
WIDTH_IN = 10.8  # 1080 px: Telegram keeps this width and shows it 400-600 px wide on a phone
# Written into each PNG so a test can tell a drawn default from a maintainer's own picture.
SOURCE_TAG = "scripts/draw_exercise_images.py"
SCRIPTS = Path(__file__).resolve().parent
DRAWING_CODE = ("exercise_drawing.py", "draw_exercise_images.py")
# Okabe-Ito accents (told apart with every common colour-vision deficiency) on a dark navy body;
# body, far limbs and accents also differ in lightness, so the picture reads even in grey.
BODY = "#1F2A44"  # near side of the body (the figure's right side faces the viewer)
FAR = "#8C9AB3"  # far-side arm and leg, behind the body
WORK = "#D55E00"  # vermillion: the right leg, the one the instructions name
CUE = "#0072B2"  # blue: angle marks and cue arrows
STRETCH = "#A8437E"  # a darker Okabe-Ito reddish purple (readable as text): where it is felt
INK = "#1A1A1A"
MUTED = "#555555"
FLOOR = "#9A9A9A"
FLOOR_FILL = "#EDEDED"
WHITE = "#FFFFFF"
COLOURS = (WHITE, BODY, FAR, WORK, CUE, STRETCH, INK, MUTED, FLOOR, FLOOR_FILL)

Point = tuple[float, float]


# --- The body -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Body:
    """Segment lengths and thicknesses in metres, for an adult about 1.75 m tall."""

    head_r: float = 0.115
    neck: float = 0.07
    torso: float = 0.52  # hip joint to shoulder joint
    upper_arm: float = 0.29
    forearm: float = 0.32  # elbow to the middle of the palm
    thigh: float = 0.44
    shin: float = 0.44  # knee to ankle; the ankle sits on the floor line when the foot is flat
    foot: float = 0.17
    torso_w: float = 0.19
    arm_w: float = 0.085
    leg_w: float = 0.11
    foot_w: float = 0.075


BODY_SIZE = Body()
# Height of a limb's centre line when it rests on the floor.
ON_FLOOR = BODY_SIZE.leg_w / 2


def along(p: Point, length: float, degrees: float) -> Point:
    """The point ``length`` away from ``p`` at an absolute angle (0 = forward, 90 = up)."""
    a = math.radians(degrees)
    return (p[0] + length * math.cos(a), p[1] + length * math.sin(a))


def angle_of(p: Point, q: Point) -> float:
    return math.degrees(math.atan2(q[1] - p[1], q[0] - p[0]))


def reach(base: Point, target: Point, first: float, second: float, bend: int) -> Point:
    """The middle joint of a two-segment limb from ``base`` to ``target`` (elbow or knee).

    ``bend`` +1 puts the joint to the left of the base->target line, -1 to the right. A target
    out of reach is clamped, so the limb ends straight and pointing at it.
    """
    dx, dy = target[0] - base[0], target[1] - base[1]
    dist = min(math.hypot(dx, dy), first + second - 1e-9)
    cos_a = (first**2 + dist**2 - second**2) / (2 * first * dist)
    a = math.acos(max(-1.0, min(1.0, cos_a)))
    return along(base, first, math.degrees(math.atan2(dy, dx) + bend * a))


@dataclass(frozen=True)
class Limb:
    """The joints of one arm or leg: root (shoulder or hip), middle, end, and the tip."""

    root: Point
    middle: Point
    end: Point
    tip: Point | None = None  # the toes; arms end at the palm


@dataclass(frozen=True)
class Pose:
    """Every joint of the figure, seen from its right side (facing right unless lying down).

    Seen square from the side, the left arm hides behind the right one, so only one is drawn.
    """

    hip: Point
    shoulder: Point
    head: Point
    near_arm: Limb
    near_leg: Limb
    far_leg: Limb


def arm(shoulder: Point, upper: float, fore: float) -> Limb:
    elbow = along(shoulder, BODY_SIZE.upper_arm, upper)
    return Limb(shoulder, elbow, along(elbow, BODY_SIZE.forearm, fore))


def arm_to(shoulder: Point, hand: Point, bend: int) -> Limb:
    b = BODY_SIZE
    return Limb(shoulder, reach(shoulder, hand, b.upper_arm, b.forearm, bend), hand)


def leg(hip: Point, thigh: float, shin: float, foot: float) -> Limb:
    """A leg from the absolute angles of thigh, shin and foot."""
    knee = along(hip, BODY_SIZE.thigh, thigh)
    ankle = along(knee, BODY_SIZE.shin, shin)
    return Limb(hip, knee, ankle, along(ankle, BODY_SIZE.foot, foot))


def leg_to(hip: Point, ankle: Point, foot: float, bend: int) -> Limb:
    b = BODY_SIZE
    knee = reach(hip, ankle, b.thigh, b.shin, bend)
    return Limb(hip, knee, ankle, along(ankle, b.foot, foot))


def upper_body(hip: Point, torso: float, neck: float) -> tuple[Point, Point]:
    """Shoulder and head centre for a torso angle and a neck angle."""
    b = BODY_SIZE
    shoulder = along(hip, b.torso, torso)
    return shoulder, along(shoulder, b.neck + b.head_r, neck)


def knee_angle(limb: Limb) -> float:
    """The inside angle at the middle joint, in degrees (180 = straight)."""
    a = angle_of(limb.middle, limb.root)
    b = angle_of(limb.middle, limb.end)
    inside = abs(a - b) % 360
    return min(inside, 360 - inside)


# --- Drawing primitives -----------------------------------------------------------------------


def capsule(ax: Axes, p: Point, q: Point, width: float, color: str, z: float) -> None:
    """A thick segment with round ends, in data units (so it scales with the figure)."""
    r = width / 2
    a = math.atan2(q[1] - p[1], q[0] - p[0])
    points: list[Point] = []
    for centre, start in ((q, a - math.pi / 2), (p, a + math.pi / 2)):
        for i in range(13):
            t = start + math.pi * i / 12
            points.append((centre[0] + r * math.cos(t), centre[1] + r * math.sin(t)))
    ax.add_patch(Polygon(points, closed=True, facecolor=color, edgecolor="none", zorder=z))


def draw_limb(
    ax: Axes, limb: Limb, color: str, z: float, *, is_leg: bool, halo: bool = False
) -> None:
    """An arm or leg; ``halo`` first lays a white outline so it stands out over the body."""
    b = BODY_SIZE
    width = b.leg_w if is_leg else b.arm_w
    if halo:
        capsule(ax, limb.root, limb.middle, width + 0.03, "white", z - 0.5)
        capsule(ax, limb.middle, limb.end, width * 0.9 + 0.03, "white", z - 0.5)
    capsule(ax, limb.root, limb.middle, width, color, z)
    capsule(ax, limb.middle, limb.end, width * 0.9, color, z)
    if limb.tip is not None:
        capsule(ax, limb.end, limb.tip, b.foot_w, color, z)


def draw_figure(ax: Axes, pose: Pose, *, near_leg: str = WORK, far_leg: str = FAR) -> None:
    """Far limbs first, then the body and head, then the near limbs on top."""
    b = BODY_SIZE
    draw_limb(ax, pose.far_leg, far_leg, 2, is_leg=True)
    capsule(ax, pose.hip, pose.shoulder, b.torso_w, BODY, 3)
    neck_top = along(pose.shoulder, b.neck, angle_of(pose.shoulder, pose.head))
    capsule(ax, pose.shoulder, neck_top, b.arm_w, BODY, 3)
    ax.add_patch(Circle(pose.head, b.head_r, facecolor=BODY, edgecolor="none", zorder=3))
    draw_limb(ax, pose.near_leg, near_leg, 4, is_leg=True)
    draw_limb(ax, pose.near_arm, BODY, 5, is_leg=False, halo=True)


def draw_floor(ax: Axes, left: float, right: float) -> None:
    ax.add_patch(
        Rectangle((left, -1), right - left, 1, facecolor=FLOOR_FILL, edgecolor="none", zorder=0)
    )
    ax.plot([left, right], [0, 0], color=FLOOR, linewidth=3, solid_capstyle="butt", zorder=1)


def right_angle(ax: Axes, limb: Limb, size: float = 0.09) -> None:
    """A square corner mark inside the knee, the way a set square shows 90°."""
    a = along(limb.middle, size, angle_of(limb.middle, limb.root))
    c = along(limb.middle, size, angle_of(limb.middle, limb.end))
    corner = (a[0] + c[0] - limb.middle[0], a[1] + c[1] - limb.middle[1])
    ax.plot(
        [a[0], corner[0], c[0]],
        [a[1], corner[1], c[1]],
        color="white",
        linewidth=7,
        solid_capstyle="round",
        zorder=6,
    )
    ax.plot(
        [a[0], corner[0], c[0]],
        [a[1], corner[1], c[1]],
        color=CUE,
        linewidth=4,
        solid_capstyle="round",
        zorder=7,
    )


def arrow(ax: Axes, start: Point, end: Point) -> None:
    """A bold arrow for the movement (hips forward, hips up, body down)."""
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="simple,head_width=1.6,head_length=1.4,tail_width=0.6",
            mutation_scale=22,
            facecolor=CUE,
            edgecolor="none",
            zorder=8,
        )
    )


def label(
    ax: Axes,
    text: str,
    at: Point,
    *,
    points_to: Point | None = None,
    color: str = INK,
    ha: str = "center",
    size: float = 22,
) -> None:
    """A cue written beside the figure, with a thin leader line to the part it names."""
    props = None
    if points_to is not None:
        props = {"arrowstyle": "-", "color": color, "linewidth": 2.2, "shrinkA": 4, "shrinkB": 2}
    ax.annotate(
        text,
        xy=points_to if points_to is not None else at,
        xytext=at,
        ha=ha,
        va="center",
        fontsize=size,
        color=color,
        fontweight="bold",
        arrowprops=props,
        zorder=9,
    )


def stretch_mark(ax: Axes, centre: Point, width: float, height: float, angle: float = 0) -> None:
    """A dashed ring where the stretch (or squeeze) is felt, on a white ring so that it shows
    on the dark body too (and to readers who see its purple as grey)."""
    for colour, line_width, style, z in (
        (WHITE, 8.0, "solid", 6.0),
        (STRETCH, 4.5, (0, (2.5, 1.5)), 6.5),
    ):
        ax.add_patch(
            Ellipse(
                centre,
                width,
                height,
                angle=angle,
                facecolor="none",
                edgecolor=colour,
                linewidth=line_width,
                linestyle=style,
                zorder=z,
            )
        )


# --- The picture layout -----------------------------------------------------------------------


@dataclass(frozen=True)
class Panel:
    """One key position: a heading, the metres shown above the floor, and its drawing."""

    heading: str
    top: float
    draw: Callable[[Axes], None]


@dataclass(frozen=True)
class Picture:
    """A titled grid of panels and a footer; every panel shares one scale (metres per inch)."""

    file_name: str
    title: str
    footer: Sequence[str]  # one or two short lines under the panels: the dose
    panels: Sequence[Panel]
    columns: int
    view: tuple[float, float]  # left and right edge of every panel, in metres
    legend: str | None = "right leg"  # a swatch of the working-leg colour, under the footer


TITLE_IN = 0.95
HEADING_IN = 0.62
LINE_IN = 0.46
FLOOR_SHOWN = 0.1  # metres of floor strip under the figure


def render(picture: Picture) -> bytes:
    """The PNG bytes of a picture; the same matplotlib gives the same bytes every time."""
    left, right = picture.view
    cell_w_in = WIDTH_IN / picture.columns
    per_metre = cell_w_in / (right - left)  # inches per metre, the same in every panel
    rows = [
        picture.panels[i : i + picture.columns]
        for i in range(0, len(picture.panels), picture.columns)
    ]
    row_h = [HEADING_IN + max(p.top + FLOOR_SHOWN for p in row) * per_metre for row in rows]
    lines = [*picture.footer, *([picture.legend] if picture.legend else [])]
    footer_in = 0.2 + LINE_IN * len(lines)
    height = TITLE_IN + sum(row_h) + footer_in
    fig = Figure(figsize=(WIDTH_IN, height), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)  # the Agg canvas, set on the figure; no pyplot, no global state
    fig.text(
        0.5,
        1 - 0.5 * TITLE_IN / height,
        picture.title,
        ha="center",
        va="center",
        fontsize=34,
        fontweight="bold",
        color=INK,
    )
    top_in = TITLE_IN
    for row, h in zip(rows, row_h, strict=True):
        for col, panel in enumerate(row):
            x0 = col / picture.columns
            fig.text(
                x0 + 0.025,
                1 - (top_in + 0.5 * HEADING_IN) / height,
                panel.heading,
                ha="left",
                va="center",
                fontsize=25,
                fontweight="bold",
                color=CUE,
            )
            axes_h = (panel.top + FLOOR_SHOWN) * per_metre
            bottom = 1 - (top_in + h) / height
            ax = fig.add_axes((x0, bottom, 1 / picture.columns, axes_h / height))
            ax.set_xlim(left, right)
            ax.set_ylim(-FLOOR_SHOWN, panel.top)
            ax.set_aspect("equal")
            ax.set_axis_off()
            draw_floor(ax, left - 1, right + 1)
            panel.draw(ax)
        top_in += h
    for n, line in enumerate(picture.footer):
        y = 1 - (top_in + 0.1 + LINE_IN * (n + 0.5)) / height
        fig.text(0.5, y, line, ha="center", va="center", fontsize=25, fontweight="bold", color=INK)
    if picture.legend:
        y = 1 - (top_in + 0.1 + LINE_IN * (len(picture.footer) + 0.45)) / height
        fig.patches.append(
            Rectangle(
                (0.5 - 0.075, y - 0.09 / height),
                0.04,
                0.18 / height,
                transform=fig.transFigure,
                facecolor=WORK,
                edgecolor="none",
            )
        )
        fig.text(0.5 - 0.025, y, picture.legend, ha="left", va="center", fontsize=21, color=MUTED)
    return encode(fig)


def drawing_code_hash() -> str:
    """A short hash of the drawing code: any change to a pose, cue or colour changes it."""
    digest = hashlib.sha256()
    for name in DRAWING_CODE:
        text = (SCRIPTS / name).read_text(encoding="utf-8").replace("\r\n", "\n")
        digest.update(text.encode("utf-8"))
    return digest.hexdigest()[:16]


def library_versions() -> str:
    """The libraries that decide the exact bytes (glyph rendering, PNG compression)."""
    zlib = features.version("zlib") or "?"
    return f"matplotlib {matplotlib.__version__}, Pillow {PIL.__version__}, zlib {zlib}"


def provenance() -> dict[str, str]:
    """Text chunks of every drawn PNG: what drew it, from which code, with which libraries.

    No date and nothing else that changes between runs, so redrawing gives the same bytes.
    """
    return {"Source": SOURCE_TAG, "Code": drawing_code_hash(), "Libraries": library_versions()}


def palette_colours() -> np.ndarray:
    """Every colour the drawing uses, plus blends of each pair for the anti-aliased edges.

    A palette fixed in advance (rather than one chosen from the image) maps every flat area to
    its exact colour, so a small change at one edge cannot shift colours anywhere else.
    """
    rgb = [tuple(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in COLOURS]
    entries: list[tuple[int, ...]] = list(rgb)
    for i, a in enumerate(rgb):
        for b in rgb[i + 1 :]:
            steps = (1, 2, 3, 4, 5) if (255, 255, 255) in (a, b) else (2, 3, 4)
            for step in steps:
                t = step / 6
                entries.append(tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True)))
    return np.array(entries, dtype=np.int32)


def encode(fig: Figure) -> bytes:
    """PNG bytes in a fixed palette of the drawing's colours: about a quarter of the RGBA size.

    Each pixel takes the nearest palette colour (done here: Pillow's own palette mapping rounds
    colours, turning white into light grey). Only a fixed source tag goes into the file: no
    software version, no date, no resolution.
    """
    raw = io.BytesIO()
    fig.savefig(raw, format="rgba", dpi=DPI)
    width = round(WIDTH_IN * DPI)
    pixels = np.frombuffer(raw.getvalue(), dtype=np.uint8).reshape(-1, width, 4)[:, :, :3]
    packed = pixels.astype(np.int32) @ np.array([1 << 16, 1 << 8, 1], dtype=np.int32)
    unique, inverse = np.unique(packed.ravel(), return_inverse=True)
    colours = np.stack([(unique >> 16) & 255, (unique >> 8) & 255, unique & 255], axis=1)
    palette = palette_colours()
    distance = ((colours[:, None, :] - palette[None, :, :]) ** 2).sum(axis=2)
    index = distance.argmin(axis=1).astype(np.uint8)[inverse].reshape(packed.shape)
    image = Image.fromarray(index, mode="P")
    image.putpalette(palette.astype(np.uint8).ravel().tolist())
    info = PngInfo()
    for key, value in provenance().items():
        info.add_text(key, value)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True, pnginfo=info)
    return buffer.getvalue()
