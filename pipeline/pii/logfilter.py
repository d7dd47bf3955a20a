"""Keep raw personal data out of logs."""

from __future__ import annotations

import logging

from pipeline.pii.masking import redact_text
from pipeline.pii.pack import PiiPack, load_pii_pack


class PiiLogFilter(logging.Filter):
    """Masks PII in each record's message, arguments and exception text.

    Attach it to handlers (``handler.addFilter(PiiLogFilter())``): filters on a logger
    do not see records that propagate up from child loggers. ``install_log_filter``
    does that for the root logger's handlers.
    """

    def __init__(self, pack: PiiPack | None = None, name: str = "") -> None:
        super().__init__(name)
        self._pack = pack or load_pii_pack()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # bad %-args: mask what is there
            message = f"{record.msg} {record.args}"
        record.msg = redact_text(message, self._pack)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text, self._pack)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info, self._pack)
        return True


def install_log_filter(logger: logging.Logger | None = None,
                       pack: PiiPack | None = None) -> PiiLogFilter:
    """Add one PiiLogFilter to every handler of ``logger`` (default: root)."""
    target = logger or logging.getLogger()
    flt = PiiLogFilter(pack)
    for handler in target.handlers:
        if not any(isinstance(f, PiiLogFilter) for f in handler.filters):
            handler.addFilter(flt)
    return flt
