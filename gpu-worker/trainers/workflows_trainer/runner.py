"""The command line every trainer shares: parse, check, train, write outputs, and map every ending to an exit code.

Exit codes: 0 done; 2 bad job spec, unusable data or checkpoint (retrying cannot help); 1 any other failure
(retryable); 75 stopped by SIGTERM after writing a checkpoint (resume with --resume).
"""

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

import torch

from . import checkpoint, metrics
from .checkpoint import Progress
from .dataset import Export, load_export
from .definition import TrainerDefinition
from .errors import BadSpec, TrainerError
from .events import EventWriter, log
from .hyperparameters import resolve
from .job import Job, load_job
from .outputs import write_all
from .session import Session, check_class_weights, create_session
from .stop import StopRequest
from .training import Loop

EXIT_OK = 0
EXIT_INTERRUPTED = 75


class _Arguments(argparse.ArgumentParser):
    """Argument errors become bad-spec events like every other spec error, not argparse's bare usage text."""

    def error(self, message: str) -> NoReturn:
        raise BadSpec(f"bad arguments: {message}")


def main(definition: TrainerDefinition, argv: Sequence[str]) -> int:
    """Runs one job; every failure is an error event plus stderr text and its exit code, never a bare traceback."""
    stop = StopRequest()
    stop.install()
    events = EventWriter(_claim_stdout(), stop.request)
    try:
        return _run(definition, argv, events, stop)
    except TrainerError as error:
        return _fail(events, str(error), error.retryable, error.exit_code)
    except Exception as error:  # Anything unforeseen (out of memory, a driver fault) may pass on another attempt.
        traceback.print_exc(file=sys.stderr)
        return _fail(events, f"{type(error).__name__}: {error}", True, 1)


def _run(definition: TrainerDefinition, argv: Sequence[str], events: EventWriter, stop: StopRequest) -> int:
    arguments = _parse(argv)
    job = load_job(arguments.job)
    if job.trainer is not None and job.trainer != definition.name:
        raise BadSpec(f"job is for trainer '{job.trainer}' but this is the '{definition.name}' trainer")
    export = load_export(arguments.data)
    task = _task(job, export)
    hyperparameters = resolve(definition.hyperparameters, job.hyperparameters)
    check_class_weights(hyperparameters, export, task)
    session = create_session(definition, job, export, task, _primary_metric(job, task), hyperparameters)
    out = _output_directory(arguments.out)
    progress = checkpoint.resume(arguments.resume, session) if arguments.resume else Progress()
    _started(events, session, progress, arguments.resume)
    loop = Loop(session, progress, events, stop, out)
    if not loop.run():
        log(f"stopped by {stop.reason} after epoch {progress.epoch} step {progress.step}; checkpoint written")
        return EXIT_INTERRUPTED
    loop.write_checkpoint()
    validation, _ = write_all(session, progress, out)
    events.emit(
        "completed", bestEpoch=progress.best_epoch, stoppedEarly=progress.stopped_early, metrics=metrics.scalars(validation.metrics),
        samplesPerSecond=loop.clock.rate(loop.clock.samples, loop.clock.step_seconds), trainSeconds=progress.train_seconds,
        device=session.device.type,
    )
    return EXIT_OK


def _parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = _Arguments(description="Trains one job of the Workflows platform (see README.md for the contract).")
    parser.add_argument("--job", type=Path, required=True, help="job.json written by the worker")
    parser.add_argument("--data", type=Path, required=True, help="an export made by the platform's DatasetExporter")
    parser.add_argument("--out", type=Path, required=True, help="where model.onnx, model.json, metrics.json and checkpoint.pt go")
    parser.add_argument("--resume", type=Path, help="a checkpoint.pt of this same job to continue from")
    return parser.parse_args(list(argv))


def _task(job: Job, export: Export) -> str:
    """The manifest knows the task; a job that names another one was made for other data."""
    if job.task is not None and job.task != export.task:
        raise BadSpec(f"job task '{job.task}' disagrees with the export's task '{export.task}'")
    return export.task


def _primary_metric(job: Job, task: str) -> str:
    accepted = metrics.names(task)
    metric = job.primary_metric or ("accuracy" if task == "classification" else "rmse")
    if metric not in accepted:
        raise BadSpec(f"primaryMetric '{metric}' is not a {task} metric; accepted: {', '.join(accepted)}")
    return metric


def _output_directory(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _started(events: EventWriter, session: Session, progress: Progress, resumed_from: Path | None) -> None:
    events.emit(
        "started", epochs=session.epochs, startEpoch=progress.epoch, startStep=progress.step, device=session.device.type,
        threads=torch.get_num_threads(), trainSamples=session.export.train.rows, parameters=session.parameter_count,
        resumedFrom=None if resumed_from is None else str(resumed_from),
    )


def _claim_stdout() -> TextIO:
    """Keeps the real stdout for events and points file descriptor 1 at stderr, so no library print can corrupt the
    JSON-lines stream the worker parses."""
    sys.stdout.flush()
    events = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8", buffering=1)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    return events


def _fail(events: EventWriter, message: str, retryable: bool, exit_code: int) -> int:
    log(f"error: {message}")
    events.emit("error", message=message, retryable=retryable)
    return exit_code
