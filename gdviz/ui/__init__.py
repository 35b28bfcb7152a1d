"""The window and its parts; importing it first makes PySide6's import scan cheap (import_scan)."""

from gdviz.ui.import_scan import cheap_import_scan

cheap_import_scan()
