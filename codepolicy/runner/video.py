"""MP4 recording of an episode.

Backends that simulate motion offer ``set_frame_listener(callback, every_seconds)``; the recorder
renders a frame every 1/fps simulated seconds, so the video plays in real time. Backends without it (the
kinematic one) get one frame per primitive call. Frames stream to the encoder, so memory stays flat.
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np

from codepolicy.envs.backend import Backend


class VideoError(RuntimeError):
    """The video could not be written (path not writable, encoder missing)."""


class VideoRecorder:
    """Writes the frames of one episode to an MP4 file.

    Args:
        path: Output file (``.mp4``).
        fps: Frames per second of video, and of simulated time.
        size: Frame (width, height) in pixels; even numbers suit the encoder.
    """

    def __init__(self, path: str | Path, fps: int = 12, size: tuple[int, int] = (480, 360)) -> None:
        self.path = Path(path)
        self.fps = fps
        self.size = size
        self.frames = 0
        self._backend: Backend | None = None
        self._writer: Any = None
        try:
            import imageio.v2 as imageio

            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._writer = imageio.get_writer(
                str(self.path), fps=fps, codec="libx264", quality=7, macro_block_size=8
            )
        except Exception as exc:
            raise VideoError(f"cannot write video to {self.path}: {exc}") from exc

    def attach(self, backend: Backend) -> None:
        """Record ``backend``: during its motions if it supports frame listeners."""
        self._backend = backend
        listen = getattr(backend, "set_frame_listener", None)
        if callable(listen):
            listen(self.capture, 1.0 / self.fps)
        self.capture()

    @property
    def streams_motion(self) -> bool:
        """Whether frames arrive during motions (otherwise call :meth:`capture` after each step)."""
        return callable(getattr(self._backend, "set_frame_listener", None))

    def capture(self) -> None:
        """Render the attached backend now and append the frame."""
        if self._backend is not None:
            self._write(self._backend.render(*self.size).rgb)

    def _write(self, rgb: np.ndarray) -> None:
        if self._writer is None:
            return
        frame = np.ascontiguousarray(rgb[..., :3], dtype=np.uint8)
        self._writer.append_data(frame)
        self.frames += 1

    def close(self) -> None:
        """Capture a last frame, stop listening and finish the file."""
        if self._writer is None:
            return
        self.capture()
        listen = getattr(self._backend, "set_frame_listener", None)
        if callable(listen):
            listen(None, 0.0)
        writer, self._writer = self._writer, None
        writer.close()

    def __enter__(self) -> VideoRecorder:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
