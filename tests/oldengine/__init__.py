"""The harness that runs the wall in old browser engines (see harness.py)."""
