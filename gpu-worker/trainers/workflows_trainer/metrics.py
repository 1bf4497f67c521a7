"""Evaluation metrics in NumPy, named as the platform names them.

The GPU image has no scikit-learn, so these are our own; they follow scikit-learn's definitions (checked against it in
the tests): macro averages over the labels present in y_true or the predictions, 0 where a ratio is 0/0, ROC AUC from
average ranks (ties count half), log loss on probabilities clipped at 1e-15 and renormalized.
"""

from typing import Any

import numpy as np

CLASSIFICATION = ("accuracy", "balanced_accuracy", "precision_macro", "recall_macro", "f1_macro", "f1_weighted", "roc_auc", "log_loss")
REGRESSION = ("rmse", "mae", "mse", "r2", "mape")
LOWER_IS_BETTER = frozenset({"log_loss", "rmse", "mae", "mse", "mape"})
LOG_LOSS_EPSILON = 1e-15


def names(task: str) -> tuple[str, ...]:
    """The scalar metrics of a task, the ones early stopping and the platform's gates may use."""
    return CLASSIFICATION if task == "classification" else REGRESSION


def improves(metric: str, candidate: float, best: float | None) -> bool:
    """Strictly better: on a tie the earlier epoch stays best. A NaN (undefined) metric never improves on a number."""
    if best is None or (np.isnan(best) and not np.isnan(candidate)):
        return True
    if np.isnan(candidate):
        return False
    return candidate < best if metric in LOWER_IS_BETTER else candidate > best


def classification(y_true: np.ndarray, probabilities: np.ndarray, labels: list[str]) -> dict[str, Any]:
    """All classification metrics from class indices and per-class probabilities (rows sum to 1)."""
    classes = len(labels)
    y_pred = probabilities.argmax(axis=1)
    confusion = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(confusion, (y_true, y_pred), 1)
    true_counts = confusion.sum(axis=1)
    predicted_counts = confusion.sum(axis=0)
    correct = np.diag(confusion)
    precision = _ratio(correct, predicted_counts)
    recall = _ratio(correct, true_counts)
    f1 = _ratio(2 * precision * recall, precision + recall)
    present = (true_counts + predicted_counts) > 0
    total = max(int(true_counts.sum()), 1)
    return {
        "accuracy": float(correct.sum() / total),
        "balanced_accuracy": float(recall[true_counts > 0].mean()),
        "precision_macro": float(precision[present].mean()),
        "recall_macro": float(recall[present].mean()),
        "f1_macro": float(f1[present].mean()),
        "f1_weighted": float((f1 * true_counts).sum() / total),
        "roc_auc": roc_auc(y_true, probabilities),
        "log_loss": log_loss(y_true, probabilities),
        "per_class": {
            label: {"precision": float(precision[i]), "recall": float(recall[i]), "f1": float(f1[i]), "support": int(true_counts[i])}
            for i, label in enumerate(labels)
        },
        "confusion_matrix": confusion.tolist(),
    }


def regression(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    """Errors in the target's own units; mape is a fraction (0.1 = 10 %), as scikit-learn returns it."""
    truth = y_true.astype(np.float64)
    error = y_pred.astype(np.float64) - truth
    mse = float(np.mean(error**2))
    total = float(np.sum((truth - truth.mean()) ** 2))
    residual = float(np.sum(error**2))
    # A constant target has no variance to explain: 1 for a perfect fit, else 0 (scikit-learn's force_finite).
    r2 = 1.0 - residual / total if total > 0 else (1.0 if residual == 0 else 0.0)
    return {
        "rmse": float(np.sqrt(mse)),
        "mae": float(np.mean(np.abs(error))),
        "mse": mse,
        "r2": r2,
        "mape": float(np.mean(np.abs(error) / np.maximum(np.abs(truth), np.finfo(np.float64).eps))),
    }


def roc_auc(y_true: np.ndarray, probabilities: np.ndarray) -> float:
    """Binary: AUC of class 1. Multiclass: the mean one-vs-rest AUC over classes that have both positives and negatives.

    NaN (written as null) when no class has both, where the AUC is undefined.
    """
    if probabilities.shape[1] == 2:
        return _binary_auc(y_true == 1, probabilities[:, 1])
    scores = [_binary_auc(y_true == c, probabilities[:, c]) for c in range(probabilities.shape[1])]
    defined = [score for score in scores if not np.isnan(score)]
    return float(np.mean(defined)) if defined else float("nan")


def log_loss(y_true: np.ndarray, probabilities: np.ndarray) -> float:
    """Mean negative log-likelihood of the true class; clipping keeps a confident mistake finite."""
    clipped = np.clip(probabilities.astype(np.float64), LOG_LOSS_EPSILON, 1 - LOG_LOSS_EPSILON)
    clipped /= clipped.sum(axis=1, keepdims=True)
    return float(-np.mean(np.log(clipped[np.arange(len(y_true)), y_true])))


def scalars(metrics: dict[str, Any]) -> dict[str, float]:
    """The single-number metrics, for events and epoch history (per-class tables and the matrix stay in metrics.json)."""
    return {name: value for name, value in metrics.items() if isinstance(value, float)}


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """0 where the denominator is 0, as scikit-learn's zero_division default reports it."""
    numerator = numerator.astype(np.float64)
    denominator = denominator.astype(np.float64)
    return np.divide(numerator, denominator, out=np.zeros_like(numerator), where=denominator > 0)


def _binary_auc(positive: np.ndarray, score: np.ndarray) -> float:
    """The Mann-Whitney statistic from average ranks, so tied scores count half a correct ordering."""
    positives = int(positive.sum())
    negatives = len(positive) - positives
    if positives == 0 or negatives == 0:
        return float("nan")
    ranks = _average_ranks(score)
    return float((ranks[positive].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def _average_ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks; tied values share the mean of the ranks they span."""
    order = np.argsort(values, kind="mergesort")
    sorted_values = values[order]
    starts = np.concatenate(([True], sorted_values[1:] != sorted_values[:-1]))
    group = np.cumsum(starts) - 1
    first = np.flatnonzero(starts)
    last = np.append(first[1:], len(values)) - 1
    average = (first + last) / 2 + 1
    ranks = np.empty(len(values), dtype=np.float64)
    ranks[order] = average[group]
    return ranks
