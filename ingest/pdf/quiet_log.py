"""pdfminer's debug calls made no-ops in the parse children: its parser calls `log.debug` for every
token and operator (about 10 million calls over tests/data/real), each a Logger call that finds DEBUG
off; a method that does nothing is half the cost. Only when DEBUG is off for pdfminer, so nothing that
would have been logged is lost; warnings and errors still go to the real loggers."""
from __future__ import annotations

import logging
import sys
from typing import Any


class _NoDebug:
    """A module's logger with `debug` doing nothing; every other call goes to the logger."""

    def __init__(self, logger: logging.Logger) -> None:
        self._logger = logger

    def debug(self, *args: Any, **kwargs: Any) -> None:
        return None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._logger, name)


def quiet_pdfminer_debug() -> None:
    """Swap the `log` of each imported pdfminer module for a _NoDebug (once; DEBUG off only)."""
    if logging.getLogger("pdfminer").isEnabledFor(logging.DEBUG):
        return
    for name, module in list(sys.modules.items()):
        if name.startswith("pdfminer.") and isinstance(getattr(module, "log", None), logging.Logger):
            module.log = _NoDebug(module.log)  # type: ignore[attr-defined]
