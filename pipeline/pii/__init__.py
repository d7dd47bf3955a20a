"""Personal data (catalogue section E, pack cn_pii): detect, validate, mask, bleep, retain."""

from pipeline.pii.audio_redaction import redact_audio, span_time
from pipeline.pii.detect import detect_pii
from pipeline.pii.logfilter import PiiLogFilter, install_log_filter
from pipeline.pii.masking import mask_text, mask_value, may_see_raw, redact_text
from pipeline.pii.models import PiiEntity, RetentionReport
from pipeline.pii.pack import PiiPack, load_pii_pack, parse_pii_pack
from pipeline.pii.recognizers import detect_entities
from pipeline.pii.retention import apply_retention

__all__ = [
    "PiiEntity",
    "PiiLogFilter",
    "PiiPack",
    "RetentionReport",
    "apply_retention",
    "detect_entities",
    "detect_pii",
    "install_log_filter",
    "load_pii_pack",
    "mask_text",
    "mask_value",
    "may_see_raw",
    "parse_pii_pack",
    "redact_audio",
    "redact_text",
    "span_time",
]
