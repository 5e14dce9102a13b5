"""The wall's side of a request, in layers a request passes through in order.

- `display.py`: which tablet is asking (the secret token), its heartbeat,
  which chores it may tick;
- `moments.py`: the moment it is shown at (`?at=`, else now);
- `polling.py`: the version of what it shows, and the per-process caches
  that answer an unchanged poll without loading anything;
- `view_model.py`: the `Wall` the kiosk template prints.

What is happening at a moment is `planner.py`'s business, not this package's.
"""
