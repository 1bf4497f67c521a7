"""Tabular multilayer perceptron for classification and regression (see README.md for the contract)."""

import sys
from typing import Any

from torch import nn

from workflows_trainer.dataset import Export
from workflows_trainer.definition import TrainerDefinition
from workflows_trainer.hyperparameters import COMMON, Hyperparameter, boolean, integer_list
from workflows_trainer.layers import Standardize
from workflows_trainer.runner import main

HYPERPARAMETERS = COMMON + (
    Hyperparameter("hiddenLayers", [64, 32], "a list of integers >= 1 (units per hidden layer; [] for a linear model)", integer_list(0, 1)),
    Hyperparameter("standardize", True, "true or false (normalize with the manifest's train mean and stdDev)", boolean),
)


def build(hyperparameters: dict[str, Any], export: Export, outputs: int) -> nn.Module:
    """Linear -> ReLU -> Dropout per hidden layer, then a linear output; standardization is the first layer.

    Any export is a table the MLP can read, images included (as flat rows).
    """
    layers: list[nn.Module] = [Standardize(export.mean, export.std) if hyperparameters["standardize"] else nn.Identity()]
    width = export.feature_count
    for units in hyperparameters["hiddenLayers"]:
        layers += [nn.Linear(width, units), nn.ReLU()]
        if hyperparameters["dropout"] > 0:
            layers.append(nn.Dropout(hyperparameters["dropout"]))
        width = units
    layers.append(nn.Linear(width, outputs))
    return nn.Sequential(*layers)


TRAINER = TrainerDefinition(name="mlp", hyperparameters=HYPERPARAMETERS, build=build)

if __name__ == "__main__":
    sys.exit(main(TRAINER, sys.argv[1:]))
