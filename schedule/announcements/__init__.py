"""Announcements: a message on the walls for a while ("ごはん できたよ!"), sent
from the admin or by Home Assistant with a token of its own."""
