"""MP4 recording of an episode: cheap snapshots while it runs, rendered only if the video is kept.

While the episode runs the recorder keeps *snapshots* (poses, or the observed scene; see
:mod:`codepolicy.runner.snapshots`), which cost well under a millisecond each. Frames are rendered
and encoded in :meth:`VideoRecorder.close` and only when ``keep`` is true, so
``bench --video failures`` pays almost nothing for the episodes that succeed.

Backends that simulate motion offer ``set_frame_listener(callback, every_seconds)``: a snapshot is
taken every 1/fps simulated seconds, so the video plays in real time. Backends whose motions are
instant (the kinematic world) call the listener after each motion; the recorder draws in-between
frames at the motions' speeds. Backends with neither get a snapshot per primitive call
(:meth:`VideoRecorder.step`).

What a person sees: the first frame is the scene the program starts from (snapshots of an empty
table, or taken while a reset settles, are dropped), held for a second under the instruction; each
frame names the step that was running; the last frame is held with the outcome.

Example:
    >>> from codepolicy.envs.backend import ObjectSpawn
    >>> from codepolicy.envs.kinematic import KinematicBackend
    >>> import tempfile, imageio.v2 as imageio
    >>> world = KinematicBackend()
    >>> path = tempfile.mkdtemp() + "/episode.mp4"
    >>> recorder = VideoRecorder(path, size=(320, 240), instruction="pick up the red block")
    >>> recorder.attach(world)
    >>> _ = world.reset([ObjectSpawn("red block", "block", "red", 0.1, -0.5)])
    >>> _ = world.move_tcp((0.1, -0.5, 0.02))
    >>> recorder.step("step 1: move_to([0.1, -0.5, 0.02])")
    >>> recorder.close(outcome="done")
    >>> frames = imageio.mimread(path)
    >>> len(frames) == recorder.frames > 12, frames[0].shape
    (True, (240, 320, 3))
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np

from codepolicy.envs.backend import Backend
from codepolicy.envs.camera import VIDEO_CAMERA, CameraSpec
from codepolicy.runner.overlay import caption
from codepolicy.runner.snapshots import Snapshot, SnapshotSource, interpolate, source_for

DEFAULT_SIZE = (640, 480)
"""Frame (width, height) of episode videos."""
OPENING_SECONDS = 1.0
"""How long the starting scene is shown before the program moves anything."""
CLOSING_SECONDS = 1.5
"""How long the final scene is held with the outcome."""
MAX_INBETWEEN = 48
"""At most this many in-between frames for one instant motion (4 s at 12 fps)."""
RENDER_SECONDS_PER_FRAME = 0.09
"""Measured cost of rendering one 640x480 physics frame on a laptop-class CPU core (TinyRenderer),
quoted by the CLI help."""


class VideoError(RuntimeError):
    """The video could not be written (path not writable, encoder missing)."""


def describe_step(event: Any) -> str:
    """``"step 2: place('green bowl')"``, with the error when the call failed.

    Args:
        event: A :class:`~codepolicy.sandbox.result.CallEvent`.
    """
    from codepolicy.feedback.model import plain

    args = ", ".join(repr(plain(v)) for v in event.args.values())
    text = f"step {event.index + 1}: {event.primitive}({args})"
    if event.error is not None:
        text += f" failed: {event.error.code}: {event.error.message}"
    return text


@dataclass
class _Shot:
    snapshot: Snapshot
    step: int | None = None
    """Index into the recorder's step captions (None: not labelled yet)."""


class VideoRecorder:
    """Records one episode to an MP4 file.

    Args:
        path: Output file (``.mp4``); nothing is written unless the video is kept.
        fps: Frames per second of video, and of simulated time.
        size: Frame (width, height) in pixels; even numbers suit the encoder.
        instruction: Shown on a bar at the top of every frame (with ``overlay``).
        overlay: Draw the instruction and the current step on the frames.
        camera: The camera physics frames are rendered with.

    Raises:
        VideoError: the output directory cannot be created or written.
    """

    def __init__(
        self,
        path: str | Path,
        fps: int = 12,
        size: tuple[int, int] = DEFAULT_SIZE,
        *,
        instruction: str | None = None,
        overlay: bool = True,
        camera: CameraSpec = VIDEO_CAMERA,
    ) -> None:
        self.path = Path(path)
        self.fps = fps
        self.size = size
        self.instruction = instruction
        self.overlay = overlay
        self.camera = camera
        self.frames = 0
        """Frames written (0 until :meth:`close` encodes the video)."""
        self._backend: Backend | None = None
        self._source: SnapshotSource | None = None
        self._shots: list[_Shot] = []
        self._steps: list[str] = []
        self._closed = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise VideoError(f"cannot write video to {self.path}: {exc}") from exc
        if not os.access(self.path.parent, os.W_OK):
            raise VideoError(f"cannot write video to {self.path}: the directory is not writable")

    # ------------------------------------------------------------------ recording
    def attach(self, backend: Backend) -> None:
        """Record ``backend``: during its motions if it supports frame listeners."""
        self._backend = backend
        self._source = source_for(backend, self.camera)
        listen = getattr(backend, "set_frame_listener", None)
        if callable(listen):
            listen(self.capture, 1.0 / self.fps)
        self.capture()

    @property
    def streams_motion(self) -> bool:
        """Whether snapshots arrive during motions (otherwise :meth:`step` takes one per call)."""
        return callable(getattr(self._backend, "set_frame_listener", None))

    def capture(self) -> None:
        """Snapshot the attached backend now (cheap: nothing is rendered)."""
        if self._source is None or self._closed:
            return
        snap = self._source.take()
        if self._shots and snap.sim_time < self._shots[-1].snapshot.sim_time - 1e-9:
            # The world was reset: what came since the last step was settling or a stale scene.
            while self._shots and self._shots[-1].step is None:
                self._shots.pop()
        self._shots.append(_Shot(snap))

    def step(self, event: Any) -> None:
        """A primitive call finished: label the frames since the previous call with it.

        Args:
            event: The call's :class:`~codepolicy.sandbox.result.CallEvent`, or a caption.
        """
        if self._closed:
            return
        if not self.streams_motion:
            self.capture()
        self._steps.append(event if isinstance(event, str) else describe_step(event))
        index = len(self._steps) - 1
        for shot in reversed(self._shots):
            if shot.step is not None:
                break
            shot.step = index

    # ------------------------------------------------------------------ output
    def close(self, keep: bool = True, outcome: str | None = None) -> None:
        """Stop recording; render and encode the video if ``keep``.

        Args:
            keep: Write the file. False discards the snapshots without rendering anything.
            outcome: Caption of the held last frame (e.g. "success" or why not).

        Raises:
            VideoError: the encoder failed.
        """
        if self._closed:
            return
        if keep:
            self.capture()
        self._closed = True
        listen = getattr(self._backend, "set_frame_listener", None)
        if callable(listen):
            listen(None, 0.0)
        shots, self._shots = self._shots, []
        if keep and self._source is not None:
            self._encode(shots, outcome)

    def _encode(self, shots: list[_Shot], outcome: str | None) -> None:
        assert self._source is not None
        shots = [s for s in shots if s.snapshot.n_objects > 0] or shots[-1:]
        if not shots:
            return
        try:
            import imageio.v2 as imageio

            writer = imageio.get_writer(
                str(self.path), fps=self.fps, codec="libx264", quality=7, macro_block_size=8
            )
        except Exception as exc:
            raise VideoError(f"cannot write video to {self.path}: {exc}") from exc
        try:
            for image, step in self._frames(shots, outcome):
                if self.overlay:
                    image = caption(image, self.instruction, step)
                writer.append_data(np.ascontiguousarray(image[..., :3], dtype=np.uint8))
                self.frames += 1
        finally:
            writer.close()

    def _timeline(self, shots: list[_Shot]) -> list[tuple[Snapshot, int | None]]:
        """Snapshots to render, with in-between scenes for instant motions."""
        assert self._source is not None
        if not self._source.smooth:
            return [(s.snapshot, s.step) for s in shots]
        out: list[tuple[Snapshot, int | None]] = [(shots[0].snapshot, shots[0].step)]
        for prev, cur in itertools.pairwise(shots):
            a, b = prev.snapshot, cur.snapshot
            n = min(MAX_INBETWEEN, max(1, round((b.sim_time - a.sim_time) * self.fps)))
            for i in range(1, n + 1):
                scene = interpolate(a.state, b.state, i / n)
                out.append((Snapshot(scene.sim_time, b.n_objects, scene), cur.step))
        return out

    def _frames(
        self, shots: list[_Shot], outcome: str | None
    ) -> Iterator[tuple[np.ndarray, str | None]]:
        assert self._source is not None
        timeline = self._timeline(shots)
        chunk = 4 * self.fps
        hold_open = max(1, round(OPENING_SECONDS * self.fps))
        hold_close = max(1, round(CLOSING_SECONDS * self.fps))
        for start in range(0, len(timeline), chunk):
            part = timeline[start : start + chunk]
            images = self._source.render([snap for snap, _ in part], self.size)
            for k, (image, (_, step)) in enumerate(zip(images, part, strict=True)):
                text = self._steps[step] if step is not None else None
                if start + k == 0:
                    for _ in range(hold_open - 1):
                        yield image, "start"
                if start + k == len(timeline) - 1:
                    for _ in range(hold_close):
                        yield image, outcome or text
                    continue
                yield image, text

    def __enter__(self) -> VideoRecorder:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
