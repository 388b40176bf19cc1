"""The application layer: what BentoSync does, for every face it has.

The CLI (``commands``), the Python API (the package root) and the window
(``gui``) all go through here for what they have in common: what a push,
pull or verify job is and how it runs (``jobs``), how an error reads to a
person (``errors``), which registry to talk to (``cloud_target``), the
transfer defaults and where settings live (``settings``), and how sizes and
labels read (``formatting``). Nothing here imports Qt; ``gui`` adapts these
to signals and widgets and adds no behaviour of its own.

Layering: ``core`` <- ``application`` <- ``commands`` / ``gui`` / package root.
"""
