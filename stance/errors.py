"""Errors the package raises on purpose.  Each says what was expected,
what was found, and how to fix it."""

from __future__ import annotations


class StanceError(ValueError):
    """Base class of every error raised on bad input or misuse."""


class InputError(StanceError):
    """A corpus, data or registry file that cannot be read as expected.

    The message names the file and, where it applies, the line.
    """

    def __init__(self, path: object, message: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line is not None else f"{path}"
        super().__init__(f"{where}: {message}")
        self.path, self.line = str(path), line


class RegistryError(StanceError):
    """An issue or actor registry that is malformed, or an unknown id."""


class NotFittedError(StanceError):
    """A model used for prediction before it was trained or loaded."""


class ConfigError(StanceError):
    """A configuration value out of range."""
