"""The document model: what the window shows, Qt-free; views subscribe to its events."""

from gdviz.model.document import Document, DocumentEvents, Edit
from gdviz.model.runs import RunRecord

__all__ = ["Document", "DocumentEvents", "Edit", "RunRecord"]
