"""What a trainer script declares: its name, its hyperparameters and how it builds its network."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from torch import nn

from .dataset import Export
from .hyperparameters import Hyperparameter

# (effective hyperparameters, export, outputs) -> a network from raw rows to `outputs` values per row. Raises BadSpec
# when the export cannot be trained this way (a CNN on a table).
Builder = Callable[[dict[str, Any], Export, int], nn.Module]


@dataclass(frozen=True)
class TrainerDefinition:
    """A trainer: the shared runner does everything else (job, data, loop, checkpoints, metrics, export)."""

    name: str
    hyperparameters: tuple[Hyperparameter, ...]
    build: Builder
