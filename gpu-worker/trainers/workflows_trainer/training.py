"""The epoch loop: batches in a seeded order, validation after every epoch, early stopping, checkpoints and events."""

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from . import checkpoint, metrics
from .checkpoint import Progress
from .evaluation import evaluate
from .events import EventWriter
from .session import Session
from .stop import StopRequest

# The shortest gap between two progress events inside an epoch: enough to see a long epoch move, not a flood.
PROGRESS_INTERVAL_SECONDS = 2.0


@dataclass
class Clock:
    """This process's timings (not checkpointed: a resumed run measures its own throughput)."""

    started: float = field(default_factory=time.perf_counter)
    last_report: float = field(default_factory=time.perf_counter)
    step_seconds: float = 0.0
    samples: int = 0
    epoch_step_seconds: float = 0.0
    epoch_samples: int = 0

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    @staticmethod
    def rate(samples: int, seconds: float) -> float:
        return samples / seconds if seconds > 0 else 0.0


@dataclass
class Loop:
    """One process's pass over the remaining epochs."""

    session: Session
    progress: Progress
    events: EventWriter
    stop: StopRequest
    out: Path
    clock: Clock = field(default_factory=Clock)

    def run(self) -> bool:
        """Trains until the last epoch or early stop; False when a signal stopped it (a checkpoint is then written)."""
        while self.progress.epoch < self.session.epochs and not self.progress.stopped_early:
            epoch_started = time.perf_counter()
            finished = self._train_epoch()
            if finished:
                self._finish_epoch()
            self.progress.train_seconds += time.perf_counter() - epoch_started
            if self.stop.requested:
                self.write_checkpoint()
                return False
        return True

    def write_checkpoint(self) -> None:
        path = checkpoint.save(self.out, self.session, self.progress)
        self.events.emit("checkpoint", epoch=self.progress.epoch, step=self.progress.step, path=path.name)

    def _train_epoch(self) -> bool:
        """Runs the epoch's remaining batches; False when a stop was requested (after a whole batch)."""
        session, progress = self.session, self.progress
        rows = session.train.x.shape[0]
        order = epoch_order(session.job.seed, progress.epoch, rows)
        bounds = batch_bounds(rows, session.batch_size)
        self.clock.epoch_step_seconds, self.clock.epoch_samples = 0.0, 0
        session.model.train()
        for batch in range(progress.batch, len(bounds)):
            start, end = bounds[batch]
            indexes = order[start:end].to(session.device)
            loss = self._step(indexes)
            progress.batch, progress.step = batch + 1, progress.step + 1
            progress.epoch_loss_sum += loss * len(indexes)
            progress.epoch_samples += len(indexes)
            self._report_progress()
            if self.stop.requested:
                return False
        return True

    def _step(self, indexes: torch.Tensor) -> float:
        started = time.perf_counter()
        session = self.session
        session.optimizer.zero_grad(set_to_none=True)
        outputs = session.model(session.train.x[indexes])
        targets = session.train.y[indexes]
        loss = session.criterion(outputs[:, 0] if session.task == "regression" else outputs, targets)
        loss.backward()
        session.optimizer.step()
        value = float(loss.item())
        self.clock.epoch_step_seconds += time.perf_counter() - started
        self.clock.epoch_samples += len(indexes)
        return value

    def _report_progress(self) -> None:
        """The epoch's mean loss so far: one batch's loss is too noisy to show."""
        now = time.perf_counter()
        if now - self.clock.last_report >= PROGRESS_INTERVAL_SECONDS:
            self.clock.last_report = now
            progress = self.progress
            self.events.emit("progress", epoch=progress.epoch + 1, step=progress.step, loss=progress.epoch_loss_sum / progress.epoch_samples)

    def _finish_epoch(self) -> None:
        """Validates, records the epoch, updates the best state and early stopping, then reports and checkpoints."""
        session, progress, clock = self.session, self.progress, self.clock
        train_loss = progress.epoch_loss_sum / max(progress.epoch_samples, 1)
        validation = evaluate(session, session.validation)
        record = {"train_loss": train_loss, "val_loss": validation.loss}
        record.update({f"val_{name}": value for name, value in metrics.scalars(validation.metrics).items()})
        progress.epoch, progress.batch = progress.epoch + 1, 0
        progress.epoch_loss_sum, progress.epoch_samples = 0.0, 0
        progress.history.append({"epoch": progress.epoch, **record})
        self._update_best(record[f"val_{session.primary_metric}"])
        clock.step_seconds += clock.epoch_step_seconds
        clock.samples += clock.epoch_samples
        clock.last_report = time.perf_counter()
        self.events.emit(
            "epoch", epoch=progress.epoch, epochs=session.epochs, step=progress.step, loss=train_loss, metrics=record,
            samplesPerSecond=clock.rate(clock.epoch_samples, clock.epoch_step_seconds), elapsedSeconds=clock.elapsed,
        )
        last = progress.epoch == session.epochs or progress.stopped_early
        every = session.job.checkpoint_every
        if every and progress.epoch % every == 0 and not last and not self.stop.requested:
            self.write_checkpoint()

    def _update_best(self, value: float) -> None:
        session, progress = self.session, self.progress
        if metrics.improves(session.primary_metric, value, progress.best_metric):
            progress.best_metric, progress.best_epoch = value, progress.epoch
            progress.best_state = checkpoint.snapshot(session)
            progress.epochs_without_improvement = 0
        else:
            progress.epochs_without_improvement += 1
            progress.stopped_early = 0 < session.patience <= progress.epochs_without_improvement


def batch_bounds(rows: int, batch_size: int) -> list[tuple[int, int]]:
    """Row ranges of an epoch's batches. A lone last row joins the batch before it: batch norm cannot train on one row."""
    starts = list(range(0, rows, batch_size))
    if batch_size > 1 and len(starts) > 1 and rows - starts[-1] == 1:
        starts.pop()
    return [(start, starts[i + 1] if i + 1 < len(starts) else rows) for i, start in enumerate(starts)]


def epoch_order(seed: int, epoch: int, rows: int) -> torch.Tensor:
    """The shuffle of one epoch, derived from (seed, epoch) alone, so a resumed run replays it without saved state."""
    mixed = int(np.random.SeedSequence([seed, epoch]).generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))
    return torch.randperm(rows, generator=torch.Generator().manual_seed(mixed))
