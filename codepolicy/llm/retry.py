"""Retries with exponential backoff and jitter, and the typed error raised when they run out.

Providers call :func:`call_with_retry` with a *classifier* that turns a provider exception into a
:class:`Transient` (rate limit, 5xx, timeout, connection) or None (give up at once: bad request,
authentication...). Only what can succeed on a second try is retried: 429 and 5xx (honouring a
``Retry-After``, capped by :attr:`RetryPolicy.max_delay`) and connection failures (a few quick
retries, so a server that is not running is reported within seconds). A request that *timed out*
is not repeated by default: the server did the work and would most likely time out again, so the
error says what to change instead. Sleep and randomness are injectable, so tests run instantly and
deterministically.

Example:
    >>> slept = []
    >>> policy = RetryPolicy(max_retries=2, sleep=slept.append, seed=0)
    >>> attempts = iter([ConnectionError("refused"), ConnectionError("refused"), "ok"])
    >>> def call():
    ...     item = next(attempts)
    ...     if isinstance(item, Exception):
    ...         raise item
    ...     return item
    >>> call_with_retry(call, policy, classify_builtin)
    ('ok', 2)
    >>> len(slept)
    2
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import TypeVar

T = TypeVar("T")


class ModelError(Exception):
    """A model call failed for good (after retries, or at once for a non-retryable error).

    Attributes:
        kind: ``"rate_limit"``, ``"server_error"``, ``"timeout"``, ``"connection"``,
            ``"client_error"``, ``"config"`` or ``"not_recorded"``.
        attempts: How many attempts were made.
        status: The HTTP status of the last failure, if there was one.
    """

    def __init__(
        self, message: str, *, kind: str, attempts: int = 1, status: int | None = None
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.attempts = attempts
        self.status = status


@dataclass(frozen=True)
class Transient:
    """A retryable failure, as seen by a classifier.

    Attributes:
        kind: ``"rate_limit"``, ``"server_error"``, ``"timeout"`` or ``"connection"``.
        retry_after: Seconds the server asked us to wait, if it said.
        status: The HTTP status, if any.
        message: A sentence for the person, naming the endpoint and the likely cause, used in the
            final error instead of the exception's own text.
    """

    kind: str
    retry_after: float | None = None
    status: int | None = None
    message: str | None = None


@dataclass
class RetryPolicy:
    """How often and how long to retry.

    Attributes:
        max_retries: Retries after the first attempt (0 disables retrying).
        max_connect_retries: Retries of a failed connection, at most (0.5 + 1 + 2 s with the
            default delays), so an absent server is reported within seconds.
        retry_timeouts: Also retry a request that timed out (off: it would time out again).
        base_delay: Delay before the first retry, seconds; doubles each retry.
        max_delay: Cap on any single delay, including a server's ``Retry-After``.
        jitter: Relative random spread added to each backoff delay (0.25 → up to +25 %).
        sleep: The sleep function (injectable for tests).
        seed: Seed of the jitter's random generator (None: unseeded).
    """

    max_retries: int = 4
    max_connect_retries: int = 3
    retry_timeouts: bool = False
    base_delay: float = 0.5
    max_delay: float = 30.0
    jitter: float = 0.25
    sleep: Callable[[float], None] = time.sleep
    seed: int | None = None
    _rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def delay(self, retry_index: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number ``retry_index`` (0-based)."""
        if retry_after is not None and retry_after >= 0:
            return min(retry_after, self.max_delay)
        backoff = self.base_delay * (2**retry_index)
        backoff *= 1.0 + self.jitter * self._rng.random()
        return min(backoff, self.max_delay)


Classifier = Callable[[BaseException], "Transient | None"]
"""Maps an exception to a :class:`Transient` (retry) or None (do not retry)."""


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date); None if absent/bad."""
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def retry_limit(transient: Transient, policy: RetryPolicy) -> int:
    """How many retries ``policy`` allows for this kind of failure."""
    if transient.kind == "timeout" and not policy.retry_timeouts:
        return 0
    if transient.kind == "connection":
        return min(policy.max_retries, policy.max_connect_retries)
    return policy.max_retries


def classify_builtin(exc: BaseException) -> Transient | None:
    """Classifier for the standard library's timeout and connection errors."""
    if isinstance(exc, TimeoutError):
        return Transient("timeout")
    if isinstance(exc, ConnectionError):
        return Transient("connection")
    return None


def call_with_retry(
    call: Callable[[], T], policy: RetryPolicy, classify: Classifier
) -> tuple[T, int]:
    """Run ``call`` until it succeeds, retrying transient failures.

    Args:
        call: The attempt; raises on failure.
        policy: Retry limits and delays.
        classify: Decides which exceptions are transient.

    Returns:
        The result and the number of retries that were needed.

    Raises:
        ModelError: a non-transient failure, or the last transient one after ``max_retries``
            retries; the original exception is chained as ``__cause__``.
    """
    retries = 0
    while True:
        try:
            return call(), retries
        except ModelError:
            raise
        except Exception as exc:
            transient = classify(exc)
            attempts = retries + 1
            if transient is None:
                status = getattr(exc, "status_code", None)
                raise ModelError(
                    f"model call failed: {type(exc).__name__}: {exc}",
                    kind="client_error",
                    attempts=attempts,
                    status=status if isinstance(status, int) else None,
                ) from exc
            if retries >= retry_limit(transient, policy):
                what = transient.message or f"{type(exc).__name__}: {exc}"
                tries = f"{attempts} attempts" if attempts > 1 else "1 attempt"
                raise ModelError(
                    f"model call failed after {tries} ({transient.kind}): {what}",
                    kind=transient.kind,
                    attempts=attempts,
                    status=transient.status,
                ) from exc
            policy.sleep(policy.delay(retries, transient.retry_after))
            retries += 1
