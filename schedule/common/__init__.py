"""What several rooms share: the household's clock and language, recurrence and
the garbage calendar's rules (pure), validation shared by the admin and
import, icons, colours, readings, the base models and the admin's base pages.

Nothing here imports a room.
"""
