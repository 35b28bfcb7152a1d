"""Frames to files (MP4, WebM, GIF, PNG frames, PNG still); no Qt, no widgets."""

from gdviz.export.spec import (
    FORMATS,
    SIZES,
    Estimate,
    ExportError,
    ExportSpec,
    check_destination,
    estimate,
    format_for_path,
    parse_size,
    validate,
)
from gdviz.export.writers import ExportCancelled, ExportResult, export_frames

__all__ = [
    "FORMATS",
    "SIZES",
    "Estimate",
    "ExportCancelled",
    "ExportError",
    "ExportResult",
    "ExportSpec",
    "check_destination",
    "estimate",
    "export_frames",
    "format_for_path",
    "parse_size",
    "validate",
]
