"""Input transforms that live inside the model, so the exported ONNX graph takes raw rows exactly as the export has them."""

import numpy as np
import torch
from torch import nn


class Standardize(nn.Module):
    """(x - mean) / std with the train part's statistics from the manifest, held as buffers so they are exported."""

    def __init__(self, mean: np.ndarray, std: np.ndarray) -> None:
        super().__init__()
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32))
        self.register_buffer("scale", torch.tensor(1.0 / std, dtype=torch.float32))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.mean) * self.scale


class Scale(nn.Module):
    """x / divisor, for pixels whose range is known (0-255, or 0-16 for the digits)."""

    def __init__(self, divisor: float) -> None:
        super().__init__()
        self.factor = 1.0 / divisor

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.factor
