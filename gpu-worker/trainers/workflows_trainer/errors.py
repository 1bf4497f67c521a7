"""Failures with the exit code and retry advice the worker acts on."""


class TrainerError(Exception):
    """A failure the worker may retry: the same job could succeed on another attempt or another machine."""

    exit_code = 1
    retryable = True


class BadSpec(TrainerError):
    """A bad job spec, unusable data or an unusable checkpoint: retrying the same job cannot succeed."""

    exit_code = 2
    retryable = False
