"""Our own Code-as-Policies-style programs, one per kind of example in CaP's tabletop demo prompt.

Each case is a fixed scene, one or more programs run one after another in one namespace (CaP keeps
variables between instructions), the code a model would answer for each helper-LMP query (and for
functions generated on demand), and what achieving the task means: a success condition in our
language and/or words the robot must have said.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from codepolicy.llm.base import Completion, Message, ModelBase, SamplingParams

Scene = tuple[tuple[str, float, float], ...]

SCENE_A: Scene = (
    ("yellow block", -0.2, -0.42),
    ("green block", 0.0, -0.36),
    ("blue block", 0.2, -0.42),
    ("yellow bowl", -0.18, -0.66),
    ("blue bowl", 0.02, -0.6),
    ("green bowl", 0.2, -0.68),
)
SCENE_B: Scene = (
    ("cyan block", -0.2, -0.4),
    ("gray block", 0.05, -0.36),
    ("cyan bowl", 0.18, -0.62),
    ("blue block", -0.05, -0.5),
    ("blue bowl", -0.17, -0.67),
    ("gray bowl", 0.16, -0.4),
)
SCENE_C: Scene = (
    ("pink block", -0.2, -0.38),
    ("green block", 0.02, -0.34),
    ("pink bowl", -0.16, -0.64),
    ("blue block", 0.22, -0.38),
    ("blue bowl", 0.04, -0.62),
    ("green bowl", 0.2, -0.66),
)
SCENE_D: Scene = (  # the blue block sits in the green bowl; the brown bowl is empty
    ("brown bowl", -0.18, -0.62),
    ("green block", 0.0, -0.36),
    ("brown block", -0.22, -0.42),
    ("green bowl", 0.18, -0.64),
    ("blue bowl", 0.02, -0.7),
    ("blue block", 0.18, -0.64),
)
SCENE_E: Scene = (
    ("pink block", -0.15, -0.45),
    ("gray block", 0.0, -0.55),
    ("orange block", 0.15, -0.45),
)


@dataclass(frozen=True)
class CapCase:
    """One CaP-style task.

    Attributes:
        name: Short id (the test id).
        kind: Which kind of CaP example it covers.
        scene: (name, x, y) of every object.
        programs: Programs run in order in one namespace.
        helpers: Query (regex, searched) -> the code a model answers for that helper query or for
            a function to generate (matched against the function name).
        success: Our success condition for the final scene, or None when only speech counts.
        said: Substrings the robot must have said (lower-case comparison).
    """

    name: str
    kind: str
    scene: Scene
    programs: tuple[str, ...]
    helpers: dict[str, str] = field(default_factory=dict)
    success: dict[str, Any] | None = None
    said: tuple[str, ...] = ()


class ScriptedLMPModel(ModelBase):
    """A model that answers helper-LMP and function-generation prompts from a table of patterns.

    The query is the last ``# ...`` comment of the user message (helper prompts) or the function
    name a generation prompt asks for; the first pattern found in it gives the answer. Unknown
    queries get an answer without code, which the pipeline must report.
    """

    provider = "scripted"
    model_id = "scripted-lmp"

    def __init__(self, answers: dict[str, str]) -> None:
        self.answers = answers
        self.queries: list[str] = []

    def generate(self, messages: Sequence[Message], params: SamplingParams) -> list[Completion]:
        """Answer from the table."""
        text = messages[-1].content
        wanted = re.search(
            r"Write only that function: one ```python block holding `def (\w+)", text
        )
        if wanted is None:
            wanted = re.search(r"def (\w+)\(", text.split("does not exist yet:")[-1][:200])
        comments = re.findall(r"^# (.+)$", text, flags=re.M)
        query = (
            wanted.group(1) if "does not exist yet" in text and wanted else (comments or [""])[-1]
        )
        query = query.strip().rstrip(".")
        self.queries.append(query)
        for pattern, code in self.answers.items():
            found = re.search(pattern, query)
            if found:
                for i, group in enumerate(found.groups(), start=1):
                    code = code.replace(f"<{i}>", group or "")
                return [Completion(text=f"```python\n{code.strip()}\n```", model=self.model_id)]
        return [Completion(text="I am not sure.", model=self.model_id)]


def _at(name: str, xy: Sequence[float], tol: float = 0.04) -> dict[str, Any]:
    return {"at": {"object": name, "location": list(xy), "tolerance": tol}}


def _unmoved(scene: Scene) -> dict[str, Any]:
    return {"all": [_at(n, (x, y), 0.01) for n, x, y in scene]}


CASES: tuple[CapCase, ...] = (
    CapCase(
        "pick-place",
        "pick and place by name",
        SCENE_A,
        (
            "say('Ok - putting the yellow block in the blue bowl')\n"
            "put_first_on_second('yellow block', 'blue bowl')\n",
        ),
        success={"inside": {"object": "yellow block", "container": "blue bowl"}},
        said=("yellow block",),
    ),
    CapCase(
        "what-did-you-move",
        "question about an earlier step",
        SCENE_A,
        (
            "moved = 'yellow block'\nput_first_on_second(moved, 'green bowl')\n",
            "say(f'I moved the {moved}')\n",
        ),
        success={"inside": {"object": "yellow block", "container": "green bowl"}},
        said=("i moved the yellow block",),
    ),
    CapCase(
        "corner-by-parse",
        "named position parsed by a helper",
        SCENE_A,
        (
            "corner_pos = parse_position('top right corner')\n"
            "put_first_on_second('green block', corner_pos)\n",
        ),
        helpers={"top right corner": "ret_val = denormalize_xy([1, 1])"},
        success={"at": {"object": "green block", "location": "top right corner"}},
    ),
    CapCase(
        "stack-in-order",
        "stacking in order",
        SCENE_A,
        (
            "order_bottom_to_top = ['blue block', 'green block', 'yellow block']\n"
            "say(f'Stacking, bottom to top: {\", \".join(order_bottom_to_top)}')\n"
            "stack_objects_in_order(object_names=order_bottom_to_top)\n",
        ),
        success={
            "stacked": {"objects": ["blue block", "green block", "yellow block"], "order": "given"}
        },
    ),
    CapCase(
        "matching-bowl",
        "move a block into its corresponding bowl",
        SCENE_B,
        (
            "matches = {'cyan block': 'cyan bowl'}\n"
            "for first, second in matches.items():\n"
            "    put_first_on_second(first, get_obj_pos(second))\n",
        ),
        success={"inside": {"object": "cyan block", "container": "cyan bowl"}},
    ),
    CapCase(
        "line-on-right",
        "line of objects from parsed names and points",
        SCENE_B,
        (
            "block_names = parse_obj_name('the blocks', f'objects = {get_obj_names()}')\n"
            "line_pts = parse_position(f'a 30cm vertical line on the right with "
            "{len(block_names)} points')\n"
            "for block_name, pt in zip(block_names, line_pts):\n"
            "    put_first_on_second(block_name, pt)\n",
        ),
        helpers={
            r"^the blocks$": "ret_val = [n for n in get_obj_names() if 'block' in n]",
            "vertical line on the right": (
                "center = denormalize_xy([1, 0.5])\n"
                "ret_val = [center + [0, dy] for dy in np.linspace(-0.15, 0.15, 3)]"
            ),
        },
        success={
            "all": [
                _at("cyan block", (0.25, -0.65)),
                _at("gray block", (0.25, -0.5)),
                _at("blue block", (0.25, -0.35)),
            ]
        },
    ),
    CapCase(
        "between-two",
        "position between two objects, object described by colour words",
        SCENE_A,
        (
            "target_pos = parse_position('a point in the middle between the blue bowl and the "
            "green block')\nput_first_on_second('yellow block', target_pos)\n",
        ),
        helpers={
            "middle between": (
                "ret_val = (get_obj_pos('blue bowl') + get_obj_pos('green block')) / 2"
            )
        },
        success=_at("yellow block", (0.01, -0.48)),
    ),
    CapCase(
        "cannot-cut",
        "refusing an impossible request",
        SCENE_A,
        ("say('no, I can only move objects around')\n",),
        success=_unmoved(SCENE_A),
        said=("only move objects",),
    ),
    CapCase(
        "stack-on-side",
        "stacking at a parsed location",
        SCENE_A,
        (
            "right_side = parse_position('the right side')\n"
            "put_first_on_second('blue block', right_side)\n"
            "stack_objects_in_order(object_names=['blue block', 'green block', 'yellow block'])\n",
        ),
        helpers={"right side": "ret_val = denormalize_xy([1, 0.5])"},
        success={
            "all": [
                {"at": {"object": "blue block", "location": "right side"}},
                {
                    "stacked": {
                        "objects": ["blue block", "green block", "yellow block"],
                        "order": "given",
                    }
                },
            ]
        },
    ),
    CapCase(
        "hide-bowl",
        "a bowl moved onto another bowl",
        SCENE_A,
        (
            "bowl_name = 'yellow bowl'\n"
            "say(f'Hiding the blue bowl under the {bowl_name}')\n"
            "put_first_on_second(bowl_name, 'blue bowl')\n",
        ),
        success={"on": {"object": "yellow bowl", "target": "blue bowl"}},
    ),
    CapCase(
        "tower-in-bowl",
        "stacking blocks in a bowl (bowl at the bottom of the order)",
        SCENE_A,
        (
            "order_bottom_to_top = ['green bowl', 'blue block', 'green block', 'yellow block']\n"
            "stack_objects_in_order(object_names=order_bottom_to_top)\n",
        ),
        success={
            "all": [
                {"inside": {"object": "blue block", "container": "green bowl"}},
                {
                    "stacked": {
                        "objects": ["blue block", "green block", "yellow block"],
                        "order": "given",
                    }
                },
            ]
        },
    ),
    CapCase(
        "bowl-left",
        "a bowl moved by a parsed relative offset",
        SCENE_C,
        (
            "left_pos = parse_position('a point 10cm left of the green bowl')\n"
            "put_first_on_second('green bowl', left_pos)\n",
        ),
        helpers={r"10cm left of the green bowl": "ret_val = get_obj_pos('green bowl') + [-0.1, 0]"},
        success=_at("green bowl", (0.1, -0.66)),
    ),
    CapCase(
        "why-not-moved",
        "answering about what was not done",
        SCENE_C,
        ("say('I did not move the red bowl')\n",),
        success=_unmoved(SCENE_C),
        said=("did not move the red bowl",),
    ),
    CapCase(
        "undo",
        "an undo that uses an earlier step's variables",
        SCENE_C,
        (
            "start_pos = get_obj_pos('pink block')\n"
            "put_first_on_second('pink block', parse_position('a point 10cm below the pink "
            "block'))\n",
            "say('Undoing: moving the pink block back')\n"
            "put_first_on_second('pink block', start_pos)\n",
        ),
        helpers={r"10cm below the pink block": "ret_val = get_obj_pos('pink block') + [0, -0.1]"},
        success=_at("pink block", (-0.2, -0.38), 0.02),
    ),
    CapCase(
        "top-block-to-corner",
        "names and a corner parsed from each other",
        SCENE_D,
        (
            "top_block_name = parse_obj_name('top most block', f'objects = {get_obj_names()}')\n"
            "bottom_block_name = parse_obj_name('bottom most block', "
            "f'objects = {get_obj_names()}')\n"
            "closest_corner_pos = parse_position(f'the corner closest to the {bottom_block_name}',"
            " f'objects = {get_obj_names()}')\n"
            "say(f'Putting the {top_block_name} on the {get_corner_name(closest_corner_pos)}')\n"
            "put_first_on_second(top_block_name, closest_corner_pos)\n",
        ),
        helpers={
            "top most block": (
                "names = [n for n in get_obj_names() if 'block' in n]\n"
                "ret_val = max(names, key=lambda n: get_obj_pos(n)[1])"
            ),
            "bottom most block": (
                "names = [n for n in get_obj_names() if 'block' in n]\n"
                "ret_val = min(names, key=lambda n: get_obj_pos(n)[1])"
            ),
            "corner closest to the": (
                "corners = [denormalize_xy(c) for c in [[0, 0], [0, 1], [1, 0], [1, 1]]]\n"
                "ref = get_obj_pos('blue block')\n"
                "ret_val = min(corners, key=lambda c: np.linalg.norm(c - ref))"
            ),
        },
        success={"at": {"object": "green block", "location": "bottom right corner"}},
        said=("green block on the bottom right corner",),
    ),
    CapCase(
        "bowl-to-side",
        "a bowl moved to a parsed side",
        SCENE_D,
        (
            "closest_side_position = parse_position('the side closest to the green block')\n"
            "say(f'Putting the brown bowl on the {get_side_name(closest_side_position)}')\n"
            "put_first_on_second('brown bowl', closest_side_position)\n",
        ),
        helpers={
            "side closest to the green block": (
                "sides = [denormalize_xy(s) for s in [[0.5, 0], [0.5, 1], [0, 0.5], [1, 0.5]]]\n"
                "ret_val = min(sides, key=lambda s: np.linalg.norm(s - get_obj_pos('green "
                "block')))"
            )
        },
        success={"at": {"object": "brown bowl", "location": "top side"}},
        said=("top side",),
    ),
    CapCase(
        "right-of-bowl-with-block",
        "a relation parsed from the scene, with a fallback",
        SCENE_D,
        (
            "bowl_name = parse_obj_name('the bowl that has the blue block', "
            "f'objects = {get_obj_names()}')\n"
            "if bowl_name:\n"
            "    target_pos = parse_position(f'a point 10cm to the right of the {bowl_name}')\n"
            "    put_first_on_second('green block', target_pos)\n"
            "else:\n"
            "    say('There are no bowls that have the blue block')\n",
        ),
        helpers={
            "bowl that has the blue block": (
                "bowls = [n for n in get_obj_names() if 'bowl' in n]\n"
                "inside = [b for b in bowls if np.linalg.norm(get_obj_pos(b) - "
                "get_obj_pos('blue block')) < 0.06]\n"
                "ret_val = inside[0] if inside else None"
            ),
            r"10cm to the right of the (\w+ bowl)": "ret_val = get_obj_pos('<1>') + [0.1, 0]",
        },
        success=_at("green block", (0.28, -0.64)),
    ),
    CapCase(
        "empty-bowl",
        "choosing by a parsed property",
        SCENE_D,
        (
            "empty_bowl_name = parse_obj_name('the empty bowl', f'objects = {get_obj_names()}')\n"
            "if empty_bowl_name:\n"
            "    put_first_on_second('green block', empty_bowl_name)\n"
            "else:\n"
            "    say('There are no empty bowls')\n",
        ),
        helpers={
            "the empty bowl": (
                "blocks = [n for n in get_obj_names() if 'block' in n]\n"
                "bowls = [n for n in get_obj_names() if 'bowl' in n]\n"
                "empty = [b for b in bowls if all(np.linalg.norm(get_obj_pos(b) - "
                "get_obj_pos(k)) > 0.06 for k in blocks)]\n"
                "ret_val = empty[0] if empty else None"
            )
        },
        success={"inside": {"object": "green block", "container": "brown bowl"}},
    ),
    CapCase(
        "others-to-bottom-corners",
        "sets of names other than one, to parsed positions",
        SCENE_D,
        (
            "block_names = parse_obj_name('blocks other than the blue block', "
            "f'objects = {get_obj_names()}')\n"
            "corners = parse_position('the bottom corners')\n"
            "for block_name, pos in zip(block_names, corners):\n"
            "    put_first_on_second(block_name, pos)\n",
        ),
        helpers={
            "blocks other than the blue block": (
                "ret_val = [n for n in get_obj_names() if 'block' in n and n != 'blue block']"
            ),
            "the bottom corners": "ret_val = [denormalize_xy([0, 0]), denormalize_xy([1, 0])]",
        },
        success={
            "all": [
                {"at": {"object": "green block", "location": "bottom left corner"}},
                {"at": {"object": "brown block", "location": "bottom right corner"}},
            ]
        },
    ),
    CapCase(
        "bowl-far-left",
        "a bowl moved relative to a group of objects",
        (*SCENE_E, ("red bowl", 0.15, -0.7)),
        (
            "say('Moving the red bowl to a point left of the blocks')\n"
            "left_pos = parse_position('a point 10cm left of the blocks')\n"
            "put_first_on_second('red bowl', left_pos)\n",
        ),
        helpers={
            "left of the blocks": (
                "names = [n for n in get_obj_names() if 'block' in n]\n"
                "xs = [get_obj_pos(n) for n in names]\n"
                "left = min(xs, key=lambda p: p[0])\n"
                "ret_val = np.array([left[0] - 0.1, -0.65])"
            )
        },
        success={"left_of": {"object": "red bowl", "reference": "pink block", "margin": 0.05}},
    ),
    CapCase(
        "colour-word-to-side",
        "a loosely described object to a parsed side",
        SCENE_E,
        (
            "say('Ok - putting the pink block on the bottom side')\n"
            "bottom_side_pos = parse_position('the bottom side')\n"
            "put_first_on_second('pink block', bottom_side_pos)\n",
        ),
        helpers={"the bottom side": "ret_val = denormalize_xy([0.5, 0])"},
        success={"at": {"object": "pink block", "location": "bottom side"}},
    ),
    CapCase(
        "question-right-of",
        "yes/no question",
        (
            ("yellow bowl", -0.12, -0.62),
            ("blue block", 0.1, -0.4),
            ("yellow block", -0.2, -0.38),
            ("blue bowl", 0.15, -0.66),
        ),
        (
            "if parse_question('is the blue block to the right of the yellow bowl?', "
            "f'objects = {get_obj_names()}'):\n"
            "    say('yes, the blue block is to the right of the yellow bowl')\n"
            "else:\n"
            "    say('no, the blue block is not to the right of the yellow bowl')\n",
        ),
        helpers={
            "right of the yellow bowl": (
                "ret_val = bool(get_obj_pos('blue block')[0] > get_obj_pos('yellow bowl')[0])"
            )
        },
        said=("yes, the blue block",),
    ),
    CapCase(
        "question-count",
        "counting question",
        (
            ("yellow bowl", -0.12, -0.62),
            ("blue block", 0.1, -0.4),
            ("yellow block", -0.2, -0.38),
            ("blue bowl", 0.15, -0.66),
        ),
        (
            "n_yellow_objs = parse_question('how many yellow objects are there', "
            "f'objects = {get_obj_names()}')\n"
            "say(f'there are {n_yellow_objs} yellow objects')\n",
        ),
        helpers={
            "how many yellow": (
                "names = parse_obj_name('the yellow objects', f'objects = {get_obj_names()}')\n"
                "ret_val = len(names)"
            ),
            "the yellow objects": "ret_val = [n for n in get_obj_names() if 'yellow' in n]",
        },
        said=("there are 2 yellow objects",),
    ),
    CapCase(
        "leftmost-then-others",
        "a follow-up that uses the earlier instruction's variable",
        SCENE_C,
        (
            "left_block_name = parse_obj_name('left most block', f'objects = {get_obj_names()}')\n"
            "put_first_on_second(left_block_name, 'green bowl')\n",
            "block_names = parse_obj_name(f'blocks other than the {left_block_name}', "
            "f'objects = {get_obj_names()}')\n"
            "corners = parse_position('the corners')\n"
            "for block_name, pos in zip(block_names, corners):\n"
            "    put_first_on_second(block_name, pos)\n",
        ),
        helpers={
            "left most block": (
                "names = [n for n in get_obj_names() if 'block' in n]\n"
                "ret_val = min(names, key=lambda n: get_obj_pos(n)[0])"
            ),
            "blocks other than the pink block": (
                "ret_val = [n for n in get_obj_names() if 'block' in n and n != 'pink block']"
            ),
            "the corners": (
                "ret_val = [denormalize_xy(c) for c in [[0, 1], [1, 1], [0, 0], [1, 0]]]"
            ),
        },
        success={
            "all": [
                {"inside": {"object": "pink block", "container": "green bowl"}},
                {"at": {"object": "green block", "location": "top left corner"}},
                {"at": {"object": "blue block", "location": "top right corner"}},
            ]
        },
    ),
    CapCase(
        "question-on-bowl",
        "a containment question",
        SCENE_D,
        (
            "if parse_question('is the blue block in the green bowl', "
            "f'objects = {get_obj_names()}'):\n"
            "    say('Yes - the blue block is in the green bowl.')\n"
            "else:\n"
            "    say('No - the blue block is not in the green bowl.')\n",
        ),
        helpers={
            "blue block in the green bowl": (
                "lo, hi = get_bbox('green bowl')\n"
                "p = get_obj_pos('blue block')\n"
                "ret_val = bool(lo[0] <= p[0] <= hi[0] and lo[1] <= p[1] <= hi[1])"
            )
        },
        said=("yes - the blue block is in the green bowl",),
    ),
    CapCase(
        "question-list",
        "a question whose answer is a list",
        SCENE_C,
        (
            "left_block_names = parse_question('what are the blocks left of the green bowl', "
            "f'objects = {get_obj_names()}')\n"
            "if len(left_block_names) > 0:\n"
            "    say(f'These blocks are left of the green bowl: {\", \".join(left_block_names)}')\n"
            "else:\n"
            "    say('There are no blocks left of the green bowl')\n",
        ),
        helpers={
            "blocks left of the green bowl": (
                "x = get_obj_pos('green bowl')[0]\n"
                "ret_val = [n for n in get_obj_names() if 'block' in n and get_obj_pos(n)[0] < x]"
            )
        },
        said=("left of the green bowl: pink block, green block",),
    ),
    CapCase(
        "if-visible",
        "acting only if an object is visible",
        (*SCENE_C, ("purple bowl", -0.02, -0.78)),
        (
            "if is_obj_visible('purple bowl'):\n"
            "    say('Putting the purple bowl on the pink bowl')\n"
            "    put_first_on_second('purple bowl', 'pink bowl')\n"
            "else:\n"
            "    say('I do not see a purple bowl')\n",
        ),
        success={"on": {"object": "purple bowl", "target": "pink bowl"}},
    ),
    CapCase(
        "if-not-visible",
        "saying so when the object is absent",
        SCENE_C,
        (
            "if is_obj_visible('purple bowl'):\n"
            "    put_first_on_second('purple bowl', 'pink bowl')\n"
            "else:\n"
            "    say('I do not see a purple bowl')\n",
        ),
        success=_unmoved(SCENE_C),
        said=("do not see a purple bowl",),
    ),
    CapCase(
        "imagine",
        "an instruction that only sets context",
        SCENE_A,
        ("say('ok')\n",),
        success=_unmoved(SCENE_A),
        said=("ok",),
    ),
    CapCase(
        "flood-desert",
        "a metaphor resolved to moving a bowl",
        SCENE_A,
        (
            "say('putting the yellow bowl on the blue bowl')\n"
            "put_first_on_second('yellow bowl', 'blue bowl')\n",
        ),
        success={"on": {"object": "yellow bowl", "target": "blue bowl"}},
    ),
    CapCase(
        "all-toward-top",
        "moving every object by a parsed offset",
        SCENE_E,
        (
            "block_names = parse_obj_name('the blocks', f'objects = {get_obj_names()}')\n"
            "for block_name in block_names:\n"
            "    target_pos = parse_position(f'a point 5cm above the {block_name}')\n"
            "    put_first_on_second(block_name, target_pos)\n",
        ),
        helpers={
            r"^the blocks$": "ret_val = [n for n in get_obj_names() if 'block' in n]",
            r"5cm above the (\w+ block)": "ret_val = get_obj_pos('<1>') + [0, 0.05]",
        },
        success={
            "all": [
                _at("pink block", (-0.15, -0.40), 0.02),
                _at("gray block", (0.0, -0.50), 0.02),
                _at("orange block", (0.15, -0.40), 0.02),
            ]
        },
    ),
    CapCase(
        "triangle",
        "a shape made of points",
        SCENE_B,
        (
            "block_names = parse_obj_name('the blocks', f'objects = {get_obj_names()}')\n"
            "triangle_pts = parse_position(f'a triangle with size 10cm around the middle with "
            "{len(block_names)} points')\n"
            "for block_name, pt in zip(block_names, triangle_pts):\n"
            "    put_first_on_second(block_name, pt)\n",
        ),
        helpers={
            r"^the blocks$": "ret_val = [n for n in get_obj_names() if 'block' in n]",
            "triangle with size 10cm": (
                "center = denormalize_xy([0.5, 0.5])\n"
                "angles = np.deg2rad([90, 210, 330])\n"
                "ret_val = [center + 0.1 * np.array([np.cos(a), np.sin(a)]) for a in angles]"
            ),
        },
        success={
            "all": [
                _at("cyan block", (0.0, -0.4), 0.02),
                _at("gray block", (-0.0866, -0.55), 0.02),
                _at("blue block", (0.0866, -0.55), 0.02),
            ]
        },
    ),
    CapCase(
        "triangle-smaller",
        "transforming an earlier shape (transform_shape_pts)",
        SCENE_B,
        (
            "block_names = parse_obj_name('the blocks', f'objects = {get_obj_names()}')\n"
            "triangle_pts = parse_position('a triangle with size 10cm around the middle with 3 "
            "points')\n"
            "for block_name, pt in zip(block_names, triangle_pts):\n"
            "    put_first_on_second(block_name, pt)\n",
            "triangle_pts = transform_shape_pts('scale it by 2x', shape_pts=triangle_pts)\n"
            "for block_name, pt in zip(block_names, triangle_pts):\n"
            "    put_first_on_second(block_name, pt)\n",
        ),
        helpers={
            r"^the blocks$": "ret_val = [n for n in get_obj_names() if 'block' in n]",
            "triangle with size 10cm": (
                "center = denormalize_xy([0.5, 0.5])\n"
                "angles = np.deg2rad([90, 210, 330])\n"
                "ret_val = [center + 0.06 * np.array([np.cos(a), np.sin(a)]) for a in angles]"
            ),
            "scale it by 2x": (
                "pts = np.array(shape_pts)\n"
                "center = np.mean(pts, axis=0)\n"
                "new_shape_pts = center + (pts - center) * 2.0"
            ),
        },
        success={
            "all": [
                _at("cyan block", (0.0, -0.38), 0.02),
                _at("gray block", (-0.1039, -0.56), 0.02),
                _at("blue block", (0.1039, -0.56), 0.02),
            ]
        },
    ),
    CapCase(
        "farthest-bowl",
        "a superlative relation",
        SCENE_A,
        (
            "farthest_bowl_name = parse_obj_name('the bowl farthest from the yellow block', "
            "f'objects = {get_obj_names()}')\n"
            "say(f'Putting the yellow block on the {farthest_bowl_name}')\n"
            "put_first_on_second('yellow block', farthest_bowl_name)\n",
        ),
        helpers={
            "bowl farthest from the yellow block": (
                "bowls = [n for n in get_obj_names() if 'bowl' in n]\n"
                "ret_val = bowls[get_farthest_idx(points=[get_obj_pos(b) for b in bowls], "
                "point=get_obj_pos('yellow block'))]"
            ),
            "get_farthest_idx": (
                "def get_farthest_idx(points, point):\n"
                "    dists = [np.linalg.norm(np.array(p) - np.array(point)) for p in points]\n"
                "    return int(np.argmax(dists))"
            ),
        },
        success={"inside": {"object": "yellow block", "container": "green bowl"}},
    ),
    CapCase(
        "generated-function",
        "a program calling a helper function the model writes on demand",
        SCENE_E,
        (
            "pos = get_pt_to_the_left(get_obj_pos('orange block'), dist=0.1)\n"
            "put_first_on_second('gray block', pos)\n",
        ),
        helpers={
            "get_pt_to_the_left": (
                "def get_pt_to_the_left(pt, dist):\n    return np.array(pt) + [-dist, 0]"
            )
        },
        success=_at("gray block", (0.05, -0.45), 0.02),
    ),
    CapCase(
        "stack-blocks-in-bowl-by-name",
        "stacking with names parsed by a helper",
        SCENE_C,
        (
            "block_names = parse_obj_name('the blocks', f'objects = {get_obj_names()}')\n"
            "stack_objects_in_order(object_names=['blue bowl', *block_names])\n",
        ),
        helpers={r"^the blocks$": "ret_val = [n for n in get_obj_names() if 'block' in n]"},
        success={
            "all": [
                {"inside": {"object": "pink block", "container": "blue bowl"}},
                {
                    "stacked": {
                        "objects": ["pink block", "green block", "blue block"],
                        "order": "given",
                    }
                },
            ]
        },
    ),
    CapCase(
        "line-with-shapes",
        "a line made with shapely in a helper's code",
        SCENE_E,
        (
            "block_names = parse_obj_name('the blocks', f'objects = {get_obj_names()}')\n"
            "pts = parse_position('a 20cm horizontal line at the bottom with 3 points')\n"
            "for name, pt in zip(block_names, pts):\n"
            "    put_first_on_second(name, pt)\n",
        ),
        helpers={
            r"^the blocks$": "ret_val = [n for n in get_obj_names() if 'block' in n]",
            "horizontal line at the bottom": (
                "middle = denormalize_xy([0.5, 0.1])\n"
                "line = LineString([middle + [-0.1, 0], middle + [0.1, 0]])\n"
                "ret_val = [np.array(line.interpolate(t, normalized=True).coords[0]) "
                "for t in np.linspace(0, 1, 3)]"
            ),
        },
        success={
            "all": [
                _at("pink block", (-0.1, -0.7), 0.02),
                _at("gray block", (0.0, -0.7), 0.02),
                _at("orange block", (0.1, -0.7), 0.02),
            ]
        },
    ),
)
