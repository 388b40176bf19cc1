"""Glue between Qt and the core: runnables, their signal hubs, and the pool helpers.

Nothing here knows about a particular job; the core stays Qt-free and is called
from these runnables as plain functions.
"""
