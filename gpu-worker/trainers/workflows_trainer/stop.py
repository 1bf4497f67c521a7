"""SIGTERM (and SIGINT, or a closed stdout) turn into a request to stop after the current batch, so the trainer can
checkpoint first."""

import signal
import types


class StopRequest:
    """A flag a signal or a closed stdout sets; the training loop polls it between batches, never inside one."""

    def __init__(self) -> None:
        self.requested = False
        self.reason: str | None = None

    def install(self) -> None:
        """Replaces the default handlers, which would kill the process and lose the work since the last checkpoint."""
        signal.signal(signal.SIGTERM, self._handle)
        signal.signal(signal.SIGINT, self._handle)

    def request(self, reason: str) -> None:
        """Asks the loop to checkpoint and stop; the first reason is the one reported."""
        if not self.requested:
            self.requested, self.reason = True, reason

    def _handle(self, signum: int, _frame: types.FrameType | None) -> None:
        self.request(signal.Signals(signum).name)
