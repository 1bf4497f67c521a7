"""Shared machinery of the reference trainers: the job contract, data loading, the training loop, metrics and export.

A trainer script (mlp.py, cnn.py) only declares its hyperparameters and builds its network; everything the worker
relies on (events, exit codes, checkpoints, outputs) lives here once, so both trainers honour the contract the same way.
"""

import os

# OpenMP threads that spin while they wait collapse when the cores are shared: on a busy 2-core machine the digits CNN
# ran at about 2,000 samples/s with 2 spinning threads, 11,000 with 2 sleeping ones, and 31,000 with 1. libgomp reads
# this once, when torch loads it, so it is set here, before any module imports torch; an explicit setting wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
