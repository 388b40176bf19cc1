"""The engine: everything that works without a display. Never imports PySide6."""
