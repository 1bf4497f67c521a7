"""Shared machinery of the reference trainers: the job contract, data loading, the training loop, metrics and export.

A trainer script (mlp.py, cnn.py) only declares its hyperparameters and builds its network; everything the worker
relies on (events, exit codes, checkpoints, outputs) lives here once, so both trainers honour the contract the same way.
"""
