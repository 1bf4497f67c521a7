"""The JSON-lines protocol on stdout: one event object per line, flushed at once, so the worker sees progress live."""

import json
import math
import os
import sys
from collections.abc import Callable
from typing import Any, TextIO


def finite(value: Any) -> Any:
    """JSON has no NaN or infinity: an undefined metric (an AUC on one class) is written as null instead."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(item) for item in value]
    return value


def as_json(value: Any) -> str:
    """A value as it appeared in the job or manifest, for error messages (JSON's null and true, not Python's)."""
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)


def to_json(value: Any, indent: int | None = None) -> str:
    """Strict JSON (no NaN), the only kind the worker's parser and the platform accept."""
    return json.dumps(finite(value), indent=indent, allow_nan=False)


class EventWriter:
    """Writes events to the stream the worker reads; nothing else may reach that stream."""

    def __init__(self, stream: TextIO, on_lost: Callable[[str], None]) -> None:
        self._stream = stream
        self._on_lost = on_lost

    def emit(self, event: str, **fields: Any) -> None:
        """One line per event, flushed, so a consumer never sees half an object."""
        try:
            self._stream.write(to_json({"event": event, **fields}) + "\n")
            self._stream.flush()
        except BrokenPipeError:
            self._lost()

    def _lost(self) -> None:
        """The reader is gone (the worker died): no one will see more events, so the run stops at the next batch with
        a checkpoint, as on SIGTERM. Later events go nowhere rather than failing again."""
        log("stdout was closed: stopping after the current batch")
        self._stream = open(os.devnull, "w", encoding="utf-8")
        self._on_lost("closed stdout")


def log(message: str) -> None:
    """Diagnostics go to stderr: stdout carries events only."""
    print(message, file=sys.stderr, flush=True)
