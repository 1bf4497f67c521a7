"""Small convolutional network for image exports (see README.md for the contract)."""

import sys
from typing import Any

import torch
from torch import nn

from workflows_trainer.dataset import Export, ImageShape
from workflows_trainer.definition import TrainerDefinition
from workflows_trainer.errors import BadSpec
from workflows_trainer.hyperparameters import COMMON, Hyperparameter, integer, integer_list, number, odd_integer, optional
from workflows_trainer.layers import Scale, Standardize
from workflows_trainer.runner import main

HYPERPARAMETERS = COMMON + (
    Hyperparameter("channels", [16, 32], "a non-empty list of integers >= 1 (channels per convolution block)", integer_list(1, 1)),
    Hyperparameter("kernelSize", 3, "an odd integer >= 1", odd_integer(1)),
    Hyperparameter("dense", 64, "an integer >= 0 (hidden units after the convolutions; 0 for none)", integer(0)),
    Hyperparameter("pixelScale", None, "null (standardize with the manifest's statistics) or a number > 0 to divide pixels by",
                   optional(number(0.0, exclusive_minimum=True))),
)


class ToImages(nn.Module):
    """Flat rows in the export's (height, width, channels) row-major order to the NCHW batches convolutions take."""

    def __init__(self, image: ImageShape) -> None:
        super().__init__()
        self.shape = (image.height, image.width, image.channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.reshape(-1, *self.shape).permute(0, 3, 1, 2)


def build(hyperparameters: dict[str, Any], export: Export, outputs: int) -> nn.Module:
    """Per block: convolution (same size) -> batch norm -> ReLU -> 2x2 max-pool while the image is at least 2x2; then
    dense layers. With batch norm the digits pass their pipeline's gate (accuracy 0.95) within a few epochs; without it,
    30 epochs at the pipeline's settings ended just below it."""
    image = export.image
    if image is None:
        raise BadSpec("the cnn trainer needs an image export (manifest.image is null); use the mlp trainer for tables")
    scale = hyperparameters["pixelScale"]
    layers: list[nn.Module] = [Scale(scale) if scale is not None else Standardize(export.mean, export.std), ToImages(image)]
    channels, height, width = image.channels, image.height, image.width
    kernel = hyperparameters["kernelSize"]
    for out_channels in hyperparameters["channels"]:
        layers += [nn.Conv2d(channels, out_channels, kernel, padding=kernel // 2), nn.BatchNorm2d(out_channels), nn.ReLU()]
        if height >= 2 and width >= 2:
            layers.append(nn.MaxPool2d(2))
            height, width = height // 2, width // 2
        channels = out_channels
    layers.append(nn.Flatten())
    features = channels * height * width
    if hyperparameters["dense"] > 0:
        layers += [nn.Linear(features, hyperparameters["dense"]), nn.ReLU()]
        features = hyperparameters["dense"]
    if hyperparameters["dropout"] > 0:
        layers.append(nn.Dropout(hyperparameters["dropout"]))
    layers.append(nn.Linear(features, outputs))
    return nn.Sequential(*layers)


TRAINER = TrainerDefinition(name="cnn", hyperparameters=HYPERPARAMETERS, build=build)

if __name__ == "__main__":
    sys.exit(main(TRAINER, sys.argv[1:]))
