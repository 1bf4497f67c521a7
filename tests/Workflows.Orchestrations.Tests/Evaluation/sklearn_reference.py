"""Test-only: scikit-learn's numbers for the cases the C# parity test sends, so Evaluation is checked against the reference.

Reads {"classification": [{"truth", "probabilities"}], "regression": [{"truth", "predictions"}]} as JSON on stdin and
writes the same lists with scikit-learn's metrics on stdout (NaN as null). Doubles cross as JSON exactly both ways.
"""

import json
import sys
import warnings

import numpy as np
from sklearn import metrics as sk
from sklearn.calibration import calibration_curve

warnings.filterwarnings("ignore", module="sklearn")  # cases with missing classes are meant to trip its warnings


def classification(case: dict) -> dict:
    y = np.asarray(case["truth"], dtype=np.int64)
    probabilities = np.asarray(case["probabilities"], dtype=np.float64)
    classes = list(range(probabilities.shape[1]))
    predicted = probabilities.argmax(axis=1)
    precision, recall, f1, support = sk.precision_recall_fscore_support(y, predicted, labels=classes, zero_division=0)
    binary = len(classes) == 2
    confidence = probabilities[:, 1] if binary else probabilities.max(axis=1)
    outcome = y == 1 if binary else predicted == y
    observed, mean_confidence = calibration_curve(outcome, confidence, n_bins=10, strategy="uniform")
    return {
        "metrics": {
            "accuracy": sk.accuracy_score(y, predicted),
            "balanced_accuracy": sk.balanced_accuracy_score(y, predicted),
            "precision_macro": sk.precision_score(y, predicted, average="macro", zero_division=0),
            "recall_macro": sk.recall_score(y, predicted, average="macro", zero_division=0),
            "f1_macro": sk.f1_score(y, predicted, average="macro", zero_division=0),
            "f1_weighted": sk.f1_score(y, predicted, average="weighted", zero_division=0),
            "roc_auc": roc_auc(y, probabilities),
            "log_loss": sk.log_loss(y, probabilities, eps=1e-15, labels=classes),
        },
        "perClass": [[float(p), float(r), float(f), int(s)] for p, r, f, s in zip(precision, recall, f1, support)],
        "confusionMatrix": sk.confusion_matrix(y, predicted, labels=classes).tolist(),
        "calibration": {"observed": observed.tolist(), "meanConfidence": mean_confidence.tolist()},
    }


def roc_auc(y: np.ndarray, probabilities: np.ndarray) -> float | None:
    """scikit-learn refuses a class without positives; the platform then averages the classes that have both (None if none)."""
    if probabilities.shape[1] == 2:
        return sk.roc_auc_score(y, probabilities[:, 1]) if 0 < y.sum() < len(y) else None
    classes = range(probabilities.shape[1])
    present = [c for c in classes if 0 < np.sum(y == c) < len(y)]
    if len(present) == len(classes):
        return sk.roc_auc_score(y, probabilities, multi_class="ovr", average="macro", labels=list(classes))
    return float(np.mean([sk.roc_auc_score(y == c, probabilities[:, c]) for c in present])) if present else None


def regression(case: dict) -> dict:
    y = np.asarray(case["truth"], dtype=np.float64)
    predicted = np.asarray(case["predictions"], dtype=np.float64)
    return {
        "metrics": {
            "rmse": np.sqrt(sk.mean_squared_error(y, predicted)),
            "mae": sk.mean_absolute_error(y, predicted),
            "mse": sk.mean_squared_error(y, predicted),
            "r2": sk.r2_score(y, predicted),
            "mape": sk.mean_absolute_percentage_error(y, predicted),
        }
    }


def main() -> None:
    cases = json.load(sys.stdin)
    json.dump({"classification": [classification(c) for c in cases["classification"]], "regression": [regression(c) for c in cases["regression"]]}, sys.stdout, default=float)


if __name__ == "__main__":
    main()
