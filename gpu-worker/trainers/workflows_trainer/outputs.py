"""The run's results in --out: model.onnx (raw rows in), model.json (what serving needs), metrics.json and the test
predictions, all from the best epoch's weights."""

import copy
import inspect
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from .checkpoint import Progress
from .evaluation import Evaluation, evaluate
from .events import to_json
from .session import Session, TargetScale

OPSET = 13
INPUT_NAME = "input"
MODEL_FILE = "model.onnx"
MODEL_CARD_FILE = "model.json"
METRICS_FILE = "metrics.json"
PREDICTIONS_FILE = "test_predictions.npy"


class Serving(nn.Module):
    """The network plus its output head: softmax probabilities, or the prediction in the target's units."""

    def __init__(self, network: nn.Module, target_scale: TargetScale | None) -> None:
        super().__init__()
        self.network = network
        self.target_scale = target_scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        outputs = self.network(x)
        if self.target_scale is None:
            return torch.softmax(outputs, dim=1)
        return outputs[:, 0] * self.target_scale.std + self.target_scale.mean


def output_name(session: Session) -> str:
    return "probabilities" if session.task == "classification" else "prediction"


def write_all(session: Session, progress: Progress, out: Path) -> tuple[Evaluation, Evaluation | None]:
    """Restores the best weights, evaluates validation and test, and writes every output file."""
    if progress.best_state is not None:
        session.model.load_state_dict(progress.best_state)
    validation = evaluate(session, session.validation)
    test = evaluate(session, session.tensors(session.export.test)) if session.export.test.rows else None
    _atomically(out / MODEL_FILE, lambda path: export_onnx(session, path))
    _atomically(out / MODEL_CARD_FILE, lambda path: path.write_text(to_json(model_card(session, progress), indent=2), encoding="utf-8"))
    _atomically(out / METRICS_FILE, lambda path: path.write_text(to_json(metrics_document(session, progress, validation, test), indent=2), encoding="utf-8"))
    if test is not None:
        predictions = test.predictions
        _atomically(out / PREDICTIONS_FILE, lambda path: _save_npy(path, predictions))
    return validation, test


def export_onnx(session: Session, path: Path) -> None:
    """One float32 input [batch, featureCount] of raw features; normalization and reshaping are inside the graph."""
    serving = Serving(copy.deepcopy(session.model).cpu().eval(), session.target_scale).eval()
    example = torch.zeros(1, session.export.feature_count, dtype=torch.float32)
    name = output_name(session)
    with torch.no_grad():
        torch.onnx.export(
            serving, (example,), str(path), opset_version=OPSET, input_names=[INPUT_NAME], output_names=[name],
            dynamic_axes={INPUT_NAME: {0: "batch"}, name: {0: "batch"}}, do_constant_folding=True, **_classic_exporter(),
        )


def _classic_exporter() -> dict[str, Any]:
    """PyTorch 2.9+ defaults to the dynamo exporter (it needs onnxscript and treats dynamic_axes differently): ask for
    the TorchScript exporter wherever the argument exists, so every supported PyTorch writes the same graph."""
    return {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}


def model_card(session: Session, progress: Progress) -> dict[str, Any]:
    """What serving, the registry and lineage need without opening the ONNX file."""
    job, export = session.job, session.export
    return {
        "format": "onnx",
        "opset": OPSET,
        "inputName": INPUT_NAME,
        "outputNames": [output_name(session)],
        "featureCount": export.feature_count,
        "featureNames": export.feature_names,
        "classLabels": export.class_labels,
        "task": session.task,
        "trainer": session.definition.name,
        "hyperparameters": session.hyperparameters,
        "seed": job.seed,
        "device": session.device.type,
        "bestEpoch": progress.best_epoch,
        "epochsRun": progress.epoch,
        "stoppedEarly": progress.stopped_early,
        "primaryMetric": session.primary_metric,
        "torchVersion": torch.__version__,
        "datasetSha256": export.dataset_sha256,
        "jobId": job.job_id,
        "runId": job.run_id,
        "trial": job.trial,
    }


def metrics_document(session: Session, progress: Progress, validation: Evaluation, test: Evaluation | None) -> dict[str, Any]:
    return {
        "primaryMetric": session.primary_metric,
        "epochs": progress.history,
        "best": {"epoch": progress.best_epoch, "validation": validation.metrics},
        "test": None if test is None else test.metrics,
    }


def _save_npy(path: Path, values: np.ndarray) -> None:
    with open(path, "wb") as file:
        np.save(file, values.astype(np.float64), allow_pickle=False)


def _atomically(path: Path, write: Callable[[Path], object]) -> None:
    """A consumer that finds the file finds it whole: written beside it, then renamed over it."""
    temporary = path.with_name(path.name + ".tmp")
    write(temporary)
    os.replace(temporary, path)
