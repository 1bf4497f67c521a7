"""job.json, written by the worker: which run this is, the device, the seed and the hyperparameters."""

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import BadSpec
from .events import as_json, log

TASKS = ("classification", "regression")
DEVICES = ("auto", "cpu", "cuda")
KNOWN_FIELDS = {
    "jobId", "runId", "trial", "trainer", "task", "device", "hyperparameters", "seed", "checkpointEvery", "threads", "primaryMetric",
}


@dataclass(frozen=True)
class Job:
    """The job as given; the task and the primary metric may still be filled in from the export's manifest."""

    job_id: str | None
    run_id: str | None
    trial: int | None
    trainer: str | None
    task: str | None
    device: str
    hyperparameters: dict[str, Any]
    seed: int
    checkpoint_every: int
    threads: int
    primary_metric: str | None


def load_job(path: Path) -> Job:
    """Reads and checks job.json; every problem is a bad spec naming the field."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadSpec(f"job file {path} does not exist") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadSpec(f"job file {path} is not readable JSON: {error}") from None
    if not isinstance(raw, dict):
        raise BadSpec("job file must hold a JSON object")
    ignored = sorted(set(raw) - KNOWN_FIELDS)
    if ignored:
        # A newer worker may send more; ignoring them keeps old trainers usable, and stderr says so.
        log(f"job.json: ignoring unknown fields {', '.join(ignored)}")
    return Job(
        job_id=_optional(raw, "jobId", str, "a string"),
        run_id=_optional(raw, "runId", str, "a string"),
        trial=_optional(raw, "trial", int, "an integer"),
        trainer=_optional(raw, "trainer", str, "a string"),
        task=_choice(raw, "task", TASKS, None),
        device=_choice(raw, "device", DEVICES, "auto") or "auto",
        hyperparameters=_optional(raw, "hyperparameters", dict, "an object") or {},
        seed=_at_least(raw, "seed", 0, 0),
        checkpoint_every=_at_least(raw, "checkpointEvery", 5, 0),
        threads=_at_least(raw, "threads", os.cpu_count() or 1, 1),
        primary_metric=_optional(raw, "primaryMetric", str, "a string"),
    )


def _optional(raw: dict[str, Any], key: str, kind: type, expected: str) -> Any:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise BadSpec(f"job field '{key}' is {as_json(value)} but must be {expected}")
    return value


def _choice(raw: dict[str, Any], key: str, options: tuple[str, ...], default: str | None) -> str | None:
    value = _optional(raw, key, str, " or ".join(f'"{option}"' for option in options))
    if value is None:
        return default
    if value.lower() not in options:
        raise BadSpec(f"job field '{key}' is {as_json(value)} but must be " + " or ".join(f'"{option}"' for option in options))
    return value.lower()


def _at_least(raw: dict[str, Any], key: str, default: int, minimum: int) -> int:
    value = _optional(raw, key, int, f"an integer >= {minimum}")
    if value is None:
        return default
    if value < minimum:
        raise BadSpec(f"job field '{key}' is {value} but must be an integer >= {minimum}")
    return int(value)
