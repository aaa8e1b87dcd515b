"""Logging as the `his` commands set it up: every record masked of personal data before a handler
writes it (domain.privacy, with the values the current call declared: services.personal_data).

The filter sits on the handlers, not on loggers, so it sees the records of every logger that
reaches them: the HIS, the simulator, gRPC, httpx.
"""
from __future__ import annotations

import logging
from domain.privacy import mask
from services import personal_data

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class MaskingFilter(logging.Filter):
    """Rewrites a record's message (arguments merged in) and its traceback text masked; passes all."""

    def filter(self, record: logging.LogRecord) -> bool:
        personal = personal_data.in_play()
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record: the handler reports it as it would
            return True
        record.msg, record.args = mask(message, personal), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text, personal)
        if record.stack_info:
            record.stack_info = mask(record.stack_info, personal)
        return True


def mask_handlers(*handlers: logging.Handler) -> None:
    """Put the masking filter on these handlers (once each)."""
    for handler in handlers:
        if not any(isinstance(f, MaskingFilter) for f in handler.filters):
            handler.addFilter(MaskingFilter())


def configure_logging(level: int | str | None = None) -> None:
    """Like logging.basicConfig (stderr at INFO when the root logger has no handler yet; a `level`
    given is set either way), and every handler of the root logger masked."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(handler)
        root.setLevel(level or logging.INFO)
    elif level is not None:
        root.setLevel(level)
    mask_handlers(*root.handlers)
