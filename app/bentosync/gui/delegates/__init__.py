"""Item delegates: custom painting for single columns (progress bars), the rest stays default."""
