"""Test-only: checks the trainers' NumPy metrics against scikit-learn, which the GPU image does not have.

  sklearn_metrics.py run EXPORT_DIR OUT_DIR   metrics.json's test metrics against scikit-learn on the run's test predictions
  sklearn_metrics.py cases TRAINERS_DIR       the metrics module against scikit-learn on edge cases (ties, missing classes)

Prints "ok N" (N values compared) or every difference, and exits 1 on any difference above 1e-9.
"""

import json
import sys
import warnings
from pathlib import Path

import numpy as np
from sklearn import metrics as sk

TOLERANCE = 1e-9
warnings.filterwarnings("ignore", module="sklearn")  # edge cases are meant to trip its warnings


def classification_reference(y: np.ndarray, probabilities: np.ndarray, labels: list[str]) -> dict:
    classes = list(range(len(labels)))
    predicted = probabilities.argmax(axis=1)
    precision, recall, f1, support = sk.precision_recall_fscore_support(y, predicted, labels=classes, zero_division=0)
    return {
        "accuracy": sk.accuracy_score(y, predicted),
        "balanced_accuracy": sk.balanced_accuracy_score(y, predicted),
        "precision_macro": sk.precision_score(y, predicted, average="macro", zero_division=0),
        "recall_macro": sk.recall_score(y, predicted, average="macro", zero_division=0),
        "f1_macro": sk.f1_score(y, predicted, average="macro", zero_division=0),
        "f1_weighted": sk.f1_score(y, predicted, average="weighted", zero_division=0),
        "roc_auc": auc_reference(y, probabilities),
        "log_loss": sk.log_loss(y, probabilities, eps=1e-15, labels=classes),
        "per_class": {
            label: {"precision": precision[i], "recall": recall[i], "f1": f1[i], "support": support[i]} for i, label in enumerate(labels)
        },
        "confusion_matrix": sk.confusion_matrix(y, predicted, labels=classes).tolist(),
    }


def auc_reference(y: np.ndarray, probabilities: np.ndarray) -> float:
    """scikit-learn refuses a class without positives; ours then averages the classes that have both (NaN if none)."""
    if probabilities.shape[1] == 2:
        return sk.roc_auc_score(y, probabilities[:, 1])
    classes = range(probabilities.shape[1])
    present = [c for c in classes if 0 < np.sum(y == c) < len(y)]
    if len(present) == len(classes):
        return sk.roc_auc_score(y, probabilities, multi_class="ovr", average="macro", labels=list(classes))
    return float(np.mean([sk.roc_auc_score(y == c, probabilities[:, c]) for c in present]))


def regression_reference(y: np.ndarray, predicted: np.ndarray) -> dict:
    return {
        "rmse": np.sqrt(sk.mean_squared_error(y, predicted)),
        "mae": sk.mean_absolute_error(y, predicted),
        "mse": sk.mean_squared_error(y, predicted),
        "r2": sk.r2_score(y, predicted),
        "mape": sk.mean_absolute_percentage_error(y, predicted),
    }


def differences(ours: dict, reference: dict, prefix: str = "") -> tuple[int, list[str]]:
    """Compares every reference value (recursively); a missing or differing value is a difference."""
    compared, problems = 0, []
    for key, expected in reference.items():
        name = prefix + key
        if key not in ours:
            problems.append(f"{name}: missing")
        elif isinstance(expected, dict):
            count, nested = differences(ours[key], expected, name + ".")
            compared, problems = compared + count, problems + nested
        elif np.asarray(expected).shape != np.asarray(ours[key]).shape:
            problems.append(f"{name}: shape {np.asarray(ours[key]).shape} != {np.asarray(expected).shape}")
        else:
            compared += 1
            if not np.allclose(np.asarray(ours[key], dtype=float), np.asarray(expected, dtype=float), rtol=0, atol=TOLERANCE):
                problems.append(f"{name}: ours {ours[key]!r} != scikit-learn {expected!r}")
    return compared, problems


def check_run(export_dir: Path, out_dir: Path) -> tuple[int, list[str]]:
    manifest = json.loads((export_dir / "manifest.json").read_text())
    y = np.load(export_dir / "y_test.npy")
    predictions = np.load(out_dir / "test_predictions.npy")
    ours = json.loads((out_dir / "metrics.json").read_text())["test"]
    labels = manifest.get("classLabels")
    # Regression targets are float32 in the export; ours computes in float64, so the reference gets float64 too.
    reference = classification_reference(y, predictions, labels) if labels else regression_reference(y.astype(np.float64), predictions)
    return differences(ours, reference)


def check_cases(trainers_dir: Path) -> tuple[int, list[str]]:
    sys.path.insert(0, str(trainers_dir))
    from workflows_trainer import metrics

    rng = np.random.default_rng(5)
    compared, problems = 0, []
    tied = np.round(rng.random((60, 3)), 1) + 0.01
    cases = {
        # Scores rounded to one decimal: many ties, which AUC must count as half.
        "ties": (rng.integers(0, 3, 60), tied / tied.sum(axis=1, keepdims=True), ["a", "b", "c"]),
        # Class 2 never predicted; class 3 neither true nor predicted (left out of macro averages, as scikit-learn does).
        "missing classes": (np.array([0, 1, 2, 0, 1, 2, 0, 1]), np.eye(4)[[0, 1, 0, 0, 1, 1, 1, 1]] * 0.7 + 0.075, ["a", "b", "c", "d"]),
        # Class c predicted but never true: balanced accuracy averages true classes only, macro averages include c.
        "predicted only": (np.array([0, 1, 0, 1, 0]), np.eye(3)[[0, 2, 0, 1, 2]] * 0.8 + 0.2 / 3, ["a", "b", "c"]),
        "binary ties": (np.array([0, 1, 1, 0, 1, 0]), np.array([[0.5, 0.5], [0.3, 0.7], [0.5, 0.5], [0.3, 0.7], [0.9, 0.1], [0.9, 0.1]]), ["n", "p"]),
        "confident mistakes": (np.array([0, 1, 1]), np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]]), ["n", "p"]),
    }
    for name, (y, probabilities, labels) in cases.items():
        ours = metrics.classification(y, probabilities, labels)
        reference = classification_reference(y, probabilities, labels)
        count, found = differences(ours, reference, name + ": ")
        compared, problems = compared + count, problems + found
    for name, (y, predicted) in {
        "regression": (rng.normal(100, 20, 50), rng.normal(100, 25, 50)),
        "zeros in target": (np.array([0.0, 1.0, 2.0, 0.0]), np.array([0.5, 1.0, 2.5, 0.0])),
        "constant target": (np.full(5, 3.0), np.array([3.0, 3.0, 2.0, 3.0, 3.0])),
    }.items():
        count, found = differences(metrics.regression(y, predicted), regression_reference(y, predicted), name + ": ")
        compared, problems = compared + count, problems + found
    return compared, problems


def main() -> int:
    mode, *paths = sys.argv[1:]
    compared, problems = check_run(Path(paths[0]), Path(paths[1])) if mode == "run" else check_cases(Path(paths[0]))
    for problem in problems:
        print(problem)
    print(f"ok {compared}" if not problems and compared else f"failed: {len(problems)} of {compared} differ")
    return 1 if problems or not compared else 0


if __name__ == "__main__":
    sys.exit(main())
