"""Draw the default picture of each exercise into knowledge/images/.

    python scripts/draw_exercise_images.py [--out knowledge/images]

The pictures are drawn here, from the article's instructions, so their licence is the project's
own; a maintainer may replace any of them with a picture of their own under the same file name.
Each picture shows the key positions from the side, with a floor line, the figure's right leg in
a second colour, a short caption of the cue that matters and the dose. How a picture is drawn
(body, kinematics, cues, layout, PNG) is in ``exercise_drawing.py``; this file poses the figure.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from pathlib import Path

from exercise_drawing import (
    BODY,
    BODY_SIZE,
    CUE,
    FAR,
    FLOOR,
    MUTED,
    ON_FLOOR,
    STRETCH,
    WORK,
    Limb,
    Panel,
    Picture,
    Point,
    Pose,
    along,
    angle_of,
    arm,
    arm_to,
    arrow,
    capsule,
    draw_figure,
    label,
    leg,
    leg_to,
    render,
    right_angle,
    stretch_mark,
    upper_body,
)
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "knowledge" / "images"


# --- Hip flexor stretch -----------------------------------------------------------------------


def kneeling_pose(forward: float) -> Pose:
    """Kneel on the right knee, left foot flat in front; ``forward`` degrees pushes the hips on.

    With ``forward`` 0 both knees are at 90°: the right thigh upright, the right shin flat on
    the floor behind, the left thigh level and the left shin upright. Pushing the hips forward
    pivots the right thigh about the right knee; the left foot stays put and the left knee
    follows by the two-link solver. The back stays upright, the hands rest on the front thigh.
    """
    b = BODY_SIZE
    knee = (0.0, ON_FLOOR)
    hip = along(knee, b.thigh, 90 - forward)
    ankle = along(knee, b.shin, 180)
    right = Limb(hip, knee, ankle, along(ankle, b.foot, 180))
    left = leg_to(hip, (b.thigh, ON_FLOOR), 0, +1)
    shoulder, head = upper_body(hip, 90, 90)
    on_thigh = along(hip, b.thigh * 0.62, angle_of(hip, left.middle))
    hands = (on_thigh[0], on_thigh[1] + (b.leg_w + b.arm_w) / 2)
    near_arm = arm_to(shoulder, hands, -1)
    return Pose(hip, shoulder, head, near_arm, right, left)


def back_straight(ax: Axes, pose: Pose) -> None:
    """A dashed plumb line behind the back with its cue."""
    x = pose.hip[0] - 0.17
    ax.plot(
        [x, x],
        [pose.hip[1], pose.shoulder[1] + 0.05],
        color=CUE,
        linewidth=3,
        linestyle=(0, (3, 2)),
        zorder=6,
    )
    label(ax, "back\nstraight", (x - 0.31, pose.shoulder[1] - 0.12), color=CUE)


def hip_flexor_start(ax: Axes) -> None:
    pose = kneeling_pose(0)
    draw_figure(ax, pose)
    right_angle(ax, pose.near_leg)
    right_angle(ax, pose.far_leg)
    label(ax, "90°", (-0.19, 0.17), color=CUE, size=24)
    label(ax, "90°", (0.28, 0.3), color=CUE, size=24)
    label(ax, "right knee\ndown", (-0.46, 0.5), points_to=(-0.06, 0.2), color=WORK)
    label(ax, "left foot\nflat", (0.78, 0.3), points_to=(0.56, 0.07))


def hip_flexor_hold(ax: Axes) -> None:
    pose = kneeling_pose(18)
    draw_figure(ax, pose)
    back_straight(ax, pose)
    hip = pose.hip
    arrow(ax, (hip[0] - 0.55, hip[1] - 0.02), (hip[0] - 0.2, hip[1] - 0.02))
    ring = along(along(hip, 0.12, angle_of(hip, pose.near_leg.middle)), 0.03, 0)
    stretch_mark(ax, ring, 0.22, 0.3, angle=-18)
    label(
        ax,
        "stretch\nhere",
        (-0.48, 0.2),
        points_to=(ring[0] - 0.1, ring[1] - 0.05),
        color=STRETCH,
    )


HIP_FLEXOR = Picture(
    file_name="hip-flexor-stretch.png",
    title="Hip flexor stretch",
    footer=("Hold 20–30 s, then switch sides",),
    panels=(
        Panel("1  Kneel, knees at 90°", 1.36, hip_flexor_start),
        Panel("2  Push hips forward", 1.36, hip_flexor_hold),
    ),
    columns=2,
    view=(-0.8, 0.98),
)


# --- Pigeon pose ------------------------------------------------------------------------------

PLANK_SHOULDER_X = 0.35
PIGEON_HIP = (0.0, 0.17)


def plank_pose() -> Pose:
    """The top of a push-up: hands under the shoulders, one straight line from head to heels."""
    b = BODY_SIZE
    arm_len = b.upper_arm + b.forearm
    shoulder = (PLANK_SHOULDER_X, ON_FLOOR + arm_len)
    body = b.torso + b.thigh + b.shin
    # Tilt the straight body until the toes, at right angles to the shins, touch the floor.
    low, high = 0.0, 45.0
    for _ in range(60):
        tilt = (low + high) / 2
        toe_y = shoulder[1] - body * math.sin(math.radians(tilt))
        toe_y -= b.foot * math.cos(math.radians(tilt))
        low, high = (tilt, high) if toe_y > b.foot_w / 2 else (low, tilt)
    hip = along(shoulder, b.torso, 180 + tilt)
    legs = 180 + tilt
    near = leg(hip, legs, legs, legs + 90)
    far = leg((hip[0] - 0.01, hip[1]), legs, legs, legs + 90)
    head = along(shoulder, b.neck + b.head_r, tilt)
    hands = (shoulder[0], ON_FLOOR)
    near_arm = arm_to(shoulder, hands, 1)
    return Pose(hip, shoulder, head, near_arm, near, far)


def pigeon_legs() -> tuple[Limb, Limb]:
    """Right knee forward on the floor, right shin across; left leg straight back.

    Seen from the right, the shin that points across the body toward the left hip looks short,
    so it is drawn foreshortened (and its foot, pointing sideways, shorter still).
    """
    b = BODY_SIZE
    hip = PIGEON_HIP
    thigh = -math.degrees(math.asin((hip[1] - ON_FLOOR) / b.thigh))
    knee = along(hip, b.thigh, thigh)
    ankle = along(knee, b.shin * 0.8, 180)
    right = Limb(hip, knee, ankle, along(ankle, b.foot * 0.35, 180))
    back = 180 + math.degrees(math.asin((hip[1] - ON_FLOOR) / (b.thigh + b.shin)))
    left = leg((hip[0] - 0.01, hip[1]), back, back, 180)
    return right, left


def pigeon_upright() -> Pose:
    """Torso up on straight arms, hands on the floor just in front of the right knee."""
    b = BODY_SIZE
    right, left = pigeon_legs()
    hands = (right.middle[0] + 0.12, ON_FLOOR - 0.005)
    arm_len = b.upper_arm + b.forearm - 0.01
    low, high = 45.0, 90.0  # lean the torso forward until straight arms reach the hands
    for _ in range(60):
        lean = (low + high) / 2
        shoulder = along(PIGEON_HIP, b.torso, lean)
        far = math.dist(shoulder, hands) > arm_len
        low, high = (low, lean) if far else (lean, high)
    shoulder, head = upper_body(PIGEON_HIP, lean, lean + 8)
    near_arm = arm_to(shoulder, hands, 1)
    return Pose(PIGEON_HIP, shoulder, head, near_arm, right, left)


def pigeon_lowered() -> Pose:
    """Torso lowered onto the forearms: elbows under the shoulders, forearms on the floor."""
    b = BODY_SIZE
    right, left = pigeon_legs()
    elbow_y = b.arm_w / 2
    lean = math.degrees(math.asin((elbow_y + b.upper_arm - PIGEON_HIP[1]) / b.torso))
    shoulder, head = upper_body(PIGEON_HIP, lean, lean + 4)
    near_arm = arm(shoulder, -90, 0)
    return Pose(PIGEON_HIP, shoulder, head, near_arm, right, left)


def from_above(ax: Axes, origin: Point, scale: float) -> None:
    """A small plan of the hips and legs in pigeon, seen from above (forward is right).

    The figure's left side is up and its right side down, toward the viewer of the side view.
    """

    def at(x: float, y: float) -> Point:
        return (origin[0] + scale * x, origin[1] + scale * y)

    w = scale * BODY_SIZE.leg_w
    ax.add_patch(
        Rectangle(
            at(-1.15, -0.4),
            scale * 1.8,
            scale * 0.95,
            facecolor="white",
            edgecolor=FLOOR,
            linewidth=2,
            zorder=5,
        )
    )
    capsule(ax, at(-0.02, 0.12), at(-0.86, 0.12), w, FAR, 6)  # left leg straight back
    capsule(ax, at(-0.86, 0.12), at(-1.0, 0.12), w * 0.7, FAR, 6)
    capsule(ax, at(0.0, -0.13), at(0.0, 0.13), scale * BODY_SIZE.torso_w, BODY, 6)  # hips
    capsule(ax, at(0.0, -0.13), at(0.4, -0.25), w, WORK, 7)  # right thigh forward
    capsule(ax, at(0.4, -0.25), at(0.12, 0.22), w * 0.9, WORK, 7)  # right shin across
    ax.text(
        *at(-0.6, 0.38),
        "seen from above",
        ha="center",
        va="center",
        fontsize=20,
        color=MUTED,
        zorder=8,
    )
    ax.text(
        *at(-0.55, -0.2),
        "right shin\nacross",
        ha="center",
        va="center",
        fontsize=20,
        color=WORK,
        fontweight="bold",
        zorder=8,
    )


def pigeon_start(ax: Axes) -> None:
    pose = plank_pose()
    draw_figure(ax, pose)
    label(ax, "hands under\nshoulders", (0.85, 0.3), points_to=(0.42, 0.06))
    label(ax, "body in a straight line", (-0.55, 0.8))


def pigeon_knee(ax: Axes) -> None:
    pose = pigeon_upright()
    draw_figure(ax, pose)
    label(
        ax,
        "right knee\nbehind\nright wrist",
        (0.95, 0.45),
        points_to=pose.near_leg.middle,
        color=WORK,
    )
    label(ax, "left leg straight back", (-0.6, 0.3))
    from_above(ax, (-0.6, 0.8), 0.6)


def pigeon_lower(ax: Axes) -> None:
    pose = pigeon_lowered()
    draw_figure(ax, pose)
    arrow(
        ax, (pose.shoulder[0], pose.shoulder[1] + 0.42), (pose.shoulder[0], pose.shoulder[1] + 0.16)
    )
    label(
        ax, "deeper\nstretch", (pose.shoulder[0] - 0.3, pose.shoulder[1] + 0.3), color=CUE, size=20
    )


PIGEON = Picture(
    file_name="pigeon-pose.png",
    title="Pigeon pose",
    footer=("Hold 30 s, then switch sides",),
    panels=(
        Panel("1  Start in a plank", 0.95, pigeon_start),
        Panel("2  Right knee forward, left leg back", 1.18, pigeon_knee),
        Panel("3  Lower your upper body, hold", 0.8, pigeon_lower),
    ),
    columns=1,
    view=(-1.3, 1.3),
)


# --- Bridge -----------------------------------------------------------------------------------

SHOULDER_ON_FLOOR = (0.0, BODY_SIZE.torso_w / 2)
# At the top, shoulders, hips and knees make one straight line and the shins stand upright:
# the line's angle from the floor is what lifts the knees exactly one shin above the ankles.
BRIDGE_LIFT = math.degrees(
    math.asin(
        (ON_FLOOR + BODY_SIZE.shin - SHOULDER_ON_FLOOR[1]) / (BODY_SIZE.torso + BODY_SIZE.thigh)
    )
)


def bridge_pose(lifted: bool) -> Pose:
    """Lying on the back, feet flat; lifted, shoulders, hips and knees line up over the feet.

    The feet stand where the shins are upright at the top, and stay there in both panels.
    """
    b = BODY_SIZE
    shoulder = SHOULDER_ON_FLOOR
    top_knee = along(shoulder, b.torso + b.thigh, BRIDGE_LIFT)
    ankle = (top_knee[0], ON_FLOOR)
    hip = along(shoulder, b.torso, BRIDGE_LIFT if lifted else 0.0)
    near = leg_to(hip, ankle, 0, +1)
    far = leg_to((hip[0] - 0.015, hip[1]), (ankle[0] - 0.015, ankle[1]), 0, +1)
    head = (shoulder[0] - b.neck - b.head_r, b.head_r)
    arm_y = b.arm_w / 2  # arms flat on the floor beside the body, palms down
    upper = -math.degrees(math.asin((shoulder[1] - arm_y) / b.upper_arm))
    near_arm = arm(shoulder, upper, 0)
    return Pose(hip, shoulder, head, near_arm, near, far)


def bridge_start(ax: Axes) -> None:
    pose = bridge_pose(False)
    draw_figure(ax, pose, near_leg=BODY)
    label(ax, "knees bent", (1.2, 0.55), points_to=pose.near_leg.middle)
    label(ax, "feet flat", (1.3, 0.2), points_to=(1.03, 0.06))


def bridge_top(ax: Axes) -> None:
    pose = bridge_pose(True)
    draw_figure(ax, pose, near_leg=BODY)
    hip = pose.hip
    arrow(ax, (hip[0], hip[1] + 0.14), (hip[0], hip[1] + 0.4))
    label(ax, "lift hips", (hip[0] - 0.1, hip[1] + 0.3), color=CUE, ha="right")
    ring = along(hip, 0.04, -70)
    stretch_mark(ax, ring, 0.24, 0.17, angle=BRIDGE_LIFT)
    label(ax, "squeeze glutes", (hip[0] + 0.1, hip[1] + 0.3), color=STRETCH, ha="left")


BRIDGE = Picture(
    file_name="bridge-pose.png",
    title="Bridge",
    footer=("Hold a few seconds, then lower slowly", "Repeat 10–15 times"),
    panels=(
        Panel("1  Lie on your back, knees bent", 0.7, bridge_start),
        Panel("2  Lift your hips, squeeze", 0.8, bridge_top),
    ),
    columns=1,
    view=(-0.5, 1.6),
    legend=None,
)

PICTURES: tuple[Picture, ...] = (HIP_FLEXOR, PIGEON, BRIDGE)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the PNG files")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    for picture in PICTURES:
        data = render(picture)
        (out / picture.file_name).write_bytes(data)
        print(f"{out / picture.file_name}: {len(data) // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
