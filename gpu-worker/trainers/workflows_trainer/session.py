"""Everything a run fixes before its first batch: device, seeds, tensors, network, optimizer and loss."""

import random
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from .dataset import Export, Part
from .definition import TrainerDefinition
from .errors import BadSpec
from .job import Job


@dataclass(frozen=True)
class TargetScale:
    """Regression trains on the standardized target (train mean and std), which keeps the loss well scaled whatever
    the target's units; predictions are mapped back before metrics and inside the exported model."""

    mean: float
    std: float


@dataclass(frozen=True)
class Tensors:
    """One part of the split on the training device; y is standardized for regression."""

    x: torch.Tensor
    y: torch.Tensor
    part: Part


@dataclass
class Session:
    """The fixed parts of a run, shared by the loop, checkpoints and the final export."""

    definition: TrainerDefinition
    job: Job
    export: Export
    task: str
    primary_metric: str
    hyperparameters: dict[str, Any]
    device: torch.device
    model: nn.Module
    optimizer: torch.optim.Optimizer
    criterion: nn.Module
    target_scale: TargetScale | None
    train: Tensors
    validation: Tensors

    @property
    def epochs(self) -> int:
        return int(self.hyperparameters["epochs"])

    @property
    def batch_size(self) -> int:
        return int(self.hyperparameters["batchSize"])

    @property
    def patience(self) -> int:
        return int(self.hyperparameters["earlyStoppingPatience"])

    @property
    def parameter_count(self) -> int:
        return sum(parameter.numel() for parameter in self.model.parameters() if parameter.requires_grad)

    def tensors(self, part: Part) -> Tensors:
        """A part on the device, with the target standardized as in training."""
        return to_tensors(part, self.device, self.target_scale)


def create_session(definition: TrainerDefinition, job: Job, export: Export, task: str, primary_metric: str, hyperparameters: dict[str, Any]) -> Session:
    """Seeds first, then builds: the network's initial weights depend only on the seed."""
    device = pick_device(job.device)
    torch.set_num_threads(job.threads)
    seed_everything(job.seed)
    outputs = export.classes if task == "classification" else 1
    model = definition.build(hyperparameters, export, outputs).to(device)
    target_scale = _target_scale(export.train.y) if task == "regression" else None
    return Session(
        definition=definition,
        job=job,
        export=export,
        task=task,
        primary_metric=primary_metric,
        hyperparameters=hyperparameters,
        device=device,
        model=model,
        optimizer=make_optimizer(model, hyperparameters),
        criterion=make_criterion(task, hyperparameters, export, device),
        target_scale=target_scale,
        train=to_tensors(export.train, device, target_scale),
        validation=to_tensors(export.validation, device, target_scale),
    )


def pick_device(requested: str) -> torch.device:
    """auto takes CUDA when this machine has it; asking for CUDA where there is none is a bad spec, not a silent CPU run."""
    if requested == "cuda" and not torch.cuda.is_available():
        raise BadSpec('device "cuda" was asked for but this machine has no CUDA device (use "auto" to fall back to the CPU)')
    return torch.device("cuda" if requested != "cpu" and torch.cuda.is_available() else "cpu")


def seed_everything(seed: int) -> None:
    """Every generator a run touches, so two CPU runs with one seed are identical."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def make_optimizer(model: nn.Module, hyperparameters: dict[str, Any]) -> torch.optim.Optimizer:
    learning_rate = hyperparameters["learningRate"]
    weight_decay = hyperparameters["weightDecay"]
    match hyperparameters["optimizer"]:
        case "sgd":
            return torch.optim.SGD(model.parameters(), lr=learning_rate, momentum=hyperparameters["momentum"], weight_decay=weight_decay)
        case "adamw":
            return torch.optim.AdamW(model.parameters(), lr=learning_rate, weight_decay=weight_decay)
        case _:
            return torch.optim.Adam(model.parameters(), lr=learning_rate, weight_decay=weight_decay)


def make_criterion(task: str, hyperparameters: dict[str, Any], export: Export, device: torch.device) -> nn.Module:
    if task == "regression":
        return nn.MSELoss()
    weights = class_weights(hyperparameters["classWeights"], export)
    return nn.CrossEntropyLoss(weight=None if weights is None else torch.tensor(weights, dtype=torch.float32, device=device))


def class_weights(setting: str | list[float] | None, export: Export) -> list[float] | None:
    """"balanced" is scikit-learn's n_samples / (n_classes * count); a class missing from the train part gets 1."""
    if setting is None or isinstance(setting, list):
        return setting
    counts = np.bincount(export.train.y, minlength=export.classes)
    return [export.train.rows / (export.classes * count) if count else 1.0 for count in counts]


def check_class_weights(hyperparameters: dict[str, Any], export: Export, task: str) -> None:
    """Class weights need the data to be checked: they must fit the export's classes."""
    weights = hyperparameters["classWeights"]
    if weights is not None and task == "regression":
        raise BadSpec("hyperparameter 'classWeights' applies to classification only")
    if isinstance(weights, list) and len(weights) != export.classes:
        raise BadSpec(f"hyperparameter 'classWeights' lists {len(weights)} weights but the export has {export.classes} classes")


def to_tensors(part: Part, device: torch.device, target_scale: TargetScale | None) -> Tensors:
    x = torch.from_numpy(part.x).to(device)
    if target_scale is None:
        return Tensors(x, torch.from_numpy(part.y).to(device), part)
    standardized = (part.y.astype(np.float64) - target_scale.mean) / target_scale.std
    return Tensors(x, torch.from_numpy(standardized.astype(np.float32)).to(device), part)


def _target_scale(y: np.ndarray) -> TargetScale:
    std = float(np.std(y.astype(np.float64)))
    return TargetScale(float(np.mean(y.astype(np.float64))), std if std > 0 else 1.0)
