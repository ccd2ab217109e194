"""The console front: ``python -m bot`` and its commands (``cli``)."""
