"""Caregiver links: a read-only page of the family's day for a babysitter or a
grandparent, for the dates a parent chose, reached by a secret address."""
