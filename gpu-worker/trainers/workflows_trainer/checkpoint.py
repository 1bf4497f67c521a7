"""checkpoint.pt: everything needed to continue a run as if it had never stopped, written so it is never half there."""

import os
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from .errors import BadSpec
from .session import Session

FILE_NAME = "checkpoint.pt"
FORMAT = 1


@dataclass
class Progress:
    """The mutable state of a run. A checkpoint may be written between any two batches, so it holds the position inside
    the epoch and the epoch's running loss too; the batch order of an epoch is a function of (seed, epoch)."""

    epoch: int = 0
    batch: int = 0
    step: int = 0
    epoch_loss_sum: float = 0.0
    epoch_samples: int = 0
    best_epoch: int = 0
    best_metric: float | None = None
    best_state: dict[str, torch.Tensor] | None = None
    epochs_without_improvement: int = 0
    stopped_early: bool = False
    history: list[dict[str, float]] = field(default_factory=list)
    train_seconds: float = 0.0


def identity(session: Session) -> dict[str, Any]:
    """What a checkpoint must agree with to be resumed: the same trainer, settings, seed and data."""
    return {
        "trainer": session.definition.name,
        "task": session.task,
        "hyperparameters": session.hyperparameters,
        "seed": session.job.seed,
        "datasetSha256": session.export.dataset_sha256,
        "featureCount": session.export.feature_count,
    }


def save(directory: Path, session: Session, progress: Progress) -> Path:
    """Writes to a temporary file and renames it: a reader (or a kill mid-write) sees the old file or the new one."""
    path = directory / FILE_NAME
    temporary = directory / (FILE_NAME + ".tmp")
    payload = {
        "format": FORMAT,
        "identity": identity(session),
        "progress": asdict(progress),
        "model": session.model.state_dict(),
        "optimizer": session.optimizer.state_dict(),
        "rng": _rng_states(),
    }
    with open(temporary, "wb") as file:
        torch.save(payload, file)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
    return path


def resume(path: Path, session: Session) -> Progress:
    """Restores the network, optimizer, progress and every RNG from a checkpoint of this same job."""
    payload = _read(path)
    expected = identity(session)
    different = [key for key, value in expected.items() if payload.get("identity", {}).get(key) != value]
    if different:
        raise BadSpec(f"checkpoint {path} belongs to another job: its {', '.join(different)} differ from this job's")
    session.model.load_state_dict(payload["model"])
    session.optimizer.load_state_dict(payload["optimizer"])
    _restore_rng_states(payload["rng"])
    return Progress(**payload["progress"])


def snapshot(session: Session) -> dict[str, torch.Tensor]:
    """A copy of the weights on the CPU, kept as the best epoch's state while training goes on."""
    return {name: tensor.detach().to("cpu", copy=True) for name, tensor in session.model.state_dict().items()}


def _read(path: Path) -> dict[str, Any]:
    try:
        # The checkpoint holds NumPy's RNG state, which PyTorch 2.6+ refuses under its weights-only default; the file
        # is this job's own, fetched from the platform under the job's lease.
        payload = torch.load(path, map_location="cpu", weights_only=False)
    except FileNotFoundError:
        raise BadSpec(f"checkpoint {path} does not exist") from None
    except Exception as error:  # torch.load raises many types for a damaged file; all mean the same here.
        raise BadSpec(f"checkpoint {path} is not readable: {error}") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise BadSpec(f"checkpoint {path} is not a checkpoint of this trainer (format {FORMAT})")
    return payload


def _rng_states() -> dict[str, Any]:
    return {
        "python": random.getstate(),
        "numpy": np.random.get_state(),
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
    }


def _restore_rng_states(states: dict[str, Any]) -> None:
    random.setstate(states["python"])
    np.random.set_state(states["numpy"])
    torch.set_rng_state(states["torch"])
    # A checkpoint from a GPU machine resumed on one without (or the reverse) keeps the CPU generators only.
    if torch.cuda.is_available() and len(states["cuda"]) == torch.cuda.device_count():
        torch.cuda.set_rng_state_all(states["cuda"])
