"""Reads an export made by the platform's DatasetExporter: six .npy arrays and manifest.json.

Everything the exporter promises is checked here (dtypes, shapes, label range, finite values), so a broken export
fails as unusable data before any training, with the file named, instead of as a crash in the middle of an epoch.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .errors import BadSpec
from .events import as_json

MANIFEST = "manifest.json"
# The exporter's ExportFiles, used when a manifest leaves a name out.
DEFAULT_FILES = {
    "xTrain": "X_train.npy", "yTrain": "y_train.npy",
    "xValidation": "X_val.npy", "yValidation": "y_val.npy",
    "xTest": "X_test.npy", "yTest": "y_test.npy",
}
# The exporter writes its ModelTask enum by number (Classification = 0) unless a string converter is configured.
TASK_NAMES = {0: "classification", 1: "regression", "classification": "classification", "regression": "regression"}


@dataclass(frozen=True)
class ImageShape:
    """X's columns are the pixels in row-major (height, width, channels) order."""

    height: int
    width: int
    channels: int


@dataclass(frozen=True)
class Part:
    """One part of the split: X float32 (rows, features), y int64 class indices or float32 targets."""

    x: np.ndarray
    y: np.ndarray

    @property
    def rows(self) -> int:
        return int(self.x.shape[0])


@dataclass(frozen=True)
class Export:
    """A checked export."""

    task: str
    feature_names: list[str]
    feature_count: int
    mean: np.ndarray
    std: np.ndarray
    class_labels: list[str] | None
    image: ImageShape | None
    dataset_sha256: str | None
    train: Part
    validation: Part
    test: Part

    @property
    def classes(self) -> int:
        return len(self.class_labels or [])


def load_export(directory: Path) -> Export:
    """Loads and checks every array; the train and validation parts must have rows (validation picks the best epoch)."""
    if not directory.is_dir():
        raise BadSpec(f"data directory {directory} does not exist")
    manifest = _read_manifest(directory / MANIFEST)
    task = _task(manifest)
    feature_count = _field(manifest, "featureCount", int)
    class_labels = _class_labels(manifest, task)
    files = {**DEFAULT_FILES, **(manifest.get("files") or {})}
    parts = {
        name: _part(directory, files, name, feature_count, task, len(class_labels or []))
        for name in ("Train", "Validation", "Test")
    }
    for name in ("Train", "Validation"):
        if parts[name].rows == 0:
            raise BadSpec(f"the export's {name.lower()} part has no rows")
    return Export(
        task=task,
        feature_names=_feature_names(manifest, feature_count),
        feature_count=feature_count,
        mean=_statistic(manifest, "mean", feature_count),
        std=_statistic(manifest, "stdDev", feature_count),
        class_labels=class_labels,
        image=_image(manifest, feature_count),
        dataset_sha256=manifest.get("datasetSha256"),
        train=parts["Train"],
        validation=parts["Validation"],
        test=parts["Test"],
    )


def _read_manifest(path: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadSpec(f"{path} does not exist: --data must be an export made by the platform") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadSpec(f"{path} is not readable JSON: {error}") from None
    if not isinstance(manifest, dict):
        raise BadSpec(f"{path} must hold a JSON object")
    return manifest


def _field(manifest: dict[str, Any], key: str, kind: type) -> Any:
    value = manifest.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise BadSpec(f"manifest field '{key}' is missing or not a {kind.__name__}")
    return value


def _task(manifest: dict[str, Any]) -> str:
    value = manifest.get("task")
    key = value.lower() if isinstance(value, str) else value
    if isinstance(key, bool) or key not in TASK_NAMES:
        raise BadSpec(f"manifest field 'task' is {as_json(value)}; expected classification or regression")
    return TASK_NAMES[key]


def _class_labels(manifest: dict[str, Any], task: str) -> list[str] | None:
    if task != "classification":
        return None
    labels = manifest.get("classLabels")
    if not isinstance(labels, list) or len(labels) < 2 or not all(isinstance(label, str) for label in labels):
        raise BadSpec("manifest field 'classLabels' must list at least two class labels for classification")
    return labels


def _feature_names(manifest: dict[str, Any], feature_count: int) -> list[str]:
    names = manifest.get("featureNames")
    if not isinstance(names, list) or len(names) != feature_count:
        raise BadSpec(f"manifest field 'featureNames' must list {feature_count} names (featureCount)")
    return [str(name) for name in names]


def _statistic(manifest: dict[str, Any], key: str, feature_count: int) -> np.ndarray:
    values = np.asarray(manifest.get(key), dtype=np.float64) if isinstance(manifest.get(key), list) else None
    if values is None or values.shape != (feature_count,) or not np.all(np.isfinite(values)):
        raise BadSpec(f"manifest field '{key}' must hold {feature_count} finite numbers (featureCount)")
    if key == "stdDev" and np.any(values <= 0):
        raise BadSpec("manifest field 'stdDev' must be positive (the exporter writes 1 for constant features)")
    return values


def _image(manifest: dict[str, Any], feature_count: int) -> ImageShape | None:
    image = manifest.get("image")
    if image is None:
        return None
    try:
        shape = ImageShape(int(image["height"]), int(image["width"]), int(image["channels"]))
    except (KeyError, TypeError, ValueError):
        raise BadSpec("manifest field 'image' must hold height, width and channels") from None
    if min(shape.height, shape.width, shape.channels) < 1 or shape.height * shape.width * shape.channels != feature_count:
        raise BadSpec(f"manifest image {shape.height}x{shape.width}x{shape.channels} does not match featureCount {feature_count}")
    return shape


def _part(directory: Path, files: dict[str, Any], name: str, feature_count: int, task: str, classes: int) -> Part:
    x = _array(directory, files, f"x{name}")
    y = _array(directory, files, f"y{name}")
    x_file, y_file = files[f"x{name}"], files[f"y{name}"]
    if x.dtype != np.float32 or x.ndim != 2 or x.shape[1] != feature_count:
        raise BadSpec(f"{x_file} must be float32 (rows, {feature_count}) but is {x.dtype} {x.shape}")
    if y.ndim != 1 or y.shape[0] != x.shape[0]:
        raise BadSpec(f"{y_file} must hold one value per row of {x_file} ({x.shape[0]}) but has shape {y.shape}")
    if not np.all(np.isfinite(x)):
        raise BadSpec(f"{x_file} holds NaN or infinite values")
    if task == "classification":
        if y.dtype != np.int64 or (y.size and (y.min() < 0 or y.max() >= classes)):
            raise BadSpec(f"{y_file} must be int64 class indices in [0, {classes})")
    elif y.dtype != np.float32 or not np.all(np.isfinite(y)):
        raise BadSpec(f"{y_file} must be finite float32 regression targets")
    return Part(np.ascontiguousarray(x), np.ascontiguousarray(y))


def _array(directory: Path, files: dict[str, Any], key: str) -> np.ndarray:
    name = files.get(key)
    # Only plain names inside the export: a manifest must not make the trainer read elsewhere.
    if not isinstance(name, str) or Path(name).name != name:
        raise BadSpec(f"manifest files.{key} must be a file name inside the data directory")
    try:
        return np.load(directory / name, allow_pickle=False)
    except FileNotFoundError:
        raise BadSpec(f"{directory / name} does not exist") from None
    except (OSError, ValueError) as error:
        raise BadSpec(f"{directory / name} is not a readable .npy array: {error}") from None
