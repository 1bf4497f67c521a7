"""Runs the network over a whole part and turns its outputs into the loss, predictions and metrics."""

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from . import metrics
from .session import Session, Tensors

# Rows per forward pass when evaluating: bounds memory on large parts, one pass for the sample data.
EVALUATION_ROWS = 8192


@dataclass(frozen=True)
class Evaluation:
    """Loss in training units, predictions in the task's units (probabilities or targets) and all metrics."""

    loss: float
    predictions: np.ndarray
    metrics: dict[str, Any]


@torch.no_grad()
def evaluate(session: Session, tensors: Tensors) -> Evaluation:
    """Eval mode (no dropout) and no gradients; probabilities are computed in float64 for exact metrics."""
    session.model.eval()
    outputs = torch.cat([session.model(tensors.x[start:start + EVALUATION_ROWS]) for start in range(0, tensors.x.shape[0], EVALUATION_ROWS)])
    scale = session.target_scale
    if scale is not None:  # regression
        loss = float(session.criterion(outputs[:, 0], tensors.y))
        predictions = outputs[:, 0].double().cpu().numpy() * scale.std + scale.mean
        return Evaluation(loss, predictions, metrics.regression(tensors.part.y, predictions))
    loss = float(session.criterion(outputs, tensors.y))
    probabilities = torch.softmax(outputs.double(), dim=1).cpu().numpy()
    return Evaluation(loss, probabilities, metrics.classification(tensors.part.y, probabilities, session.export.class_labels or []))
