"""SIGTERM (and SIGINT) turn into a request to stop after the current batch, so the trainer can checkpoint first."""

import signal
import types


class StopRequest:
    """A flag a signal sets; the training loop polls it between batches, never inside one."""

    def __init__(self) -> None:
        self.requested = False
        self.signal_name: str | None = None

    def install(self) -> None:
        """Replaces the default handlers, which would kill the process and lose the work since the last checkpoint."""
        signal.signal(signal.SIGTERM, self._handle)
        signal.signal(signal.SIGINT, self._handle)

    def _handle(self, signum: int, _frame: types.FrameType | None) -> None:
        self.requested = True
        self.signal_name = signal.Signals(signum).name
