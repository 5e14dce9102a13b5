"""What the wall shows at a moment: a pure function of plain data.

`day_view(household, day, moment)` answers every question the wall asks —
which plan is in force, the holiday, the blocks with absolute times, the
current block and its progress, what comes next, the chores due today and
tomorrow and whether the evening has come to show tomorrow's, the notes, the
city's closures of the day, the collections moved away or called off, the
first and last collection of the year coming up —
without the ORM, a request or the clock. `nights()`, `morning_after()` and
`changes()` answer the rest: when a display's night hours dim it, what the
night screen shows of the morning, and every instant at which the wall
changes (the poll's version counts them). Views load a `Household` (see
`loading.py`) and pass the moment in.

Routines: a block carries, per member, the routine that member goes through
in it; its `RoutineView` says which steps are done that day, the current
step (the first not done) and what comes after. Stars: each child who
collects them has a balance and the next reward to save for (`StarView`).

Times: block start/end are wall-clock times in the household's zone. A block
whose end is not after its start runs into the next day. Durations and
progress are computed on absolute instants, so a 01:00–03:00 block on the
night the clocks go forward lasts one hour, not two.

The package's modules, in the order each builds on the last: data (inputs),
shown (answers), blocks, chores, day, nights. Everything a caller needs is
re-exported here: `from schedule import planner; planner.day_view(...)`.
"""

from schedule.common.bilingual import pick as pick
from schedule.planner.blocks import FREE_COLOUR as FREE_COLOUR
from schedule.planner.blocks import FREE_ICON as FREE_ICON
from schedule.planner.blocks import Placed as Placed
from schedule.planner.blocks import Span as Span
from schedule.planner.blocks import all_day_events as all_day_events
from schedule.planner.blocks import at as at
from schedule.planner.blocks import next_day_in_force as next_day_in_force
from schedule.planner.blocks import plan_for as plan_for
from schedule.planner.chores import MEMO_DAYS as MEMO_DAYS
from schedule.planner.chores import chore_to_tick as chore_to_tick
from schedule.planner.chores import chores_on as chores_on
from schedule.planner.chores import moved_away as moved_away
from schedule.planner.chores import takers as takers
from schedule.planner.chores import whose_turn as whose_turn
from schedule.planner.chores import year_marks as year_marks
from schedule.planner.data import EVENING as EVENING
from schedule.planner.data import EVENT_IDS as EVENT_IDS
from schedule.planner.data import FIRST_OF_YEAR as FIRST_OF_YEAR
from schedule.planner.data import GET_READY_BEFORE as GET_READY_BEFORE
from schedule.planner.data import HOW_MANY_NEXT as HOW_MANY_NEXT
from schedule.planner.data import LAST_OF_YEAR as LAST_OF_YEAR
from schedule.planner.data import MORNING_BLOCKS as MORNING_BLOCKS
from schedule.planner.data import YEAR_MARK_DAYS as YEAR_MARK_DAYS
from schedule.planner.data import BlockData as BlockData
from schedule.planner.data import ChoreData as ChoreData
from schedule.planner.data import EventData as EventData
from schedule.planner.data import Holiday as Holiday
from schedule.planner.data import Household as Household
from schedule.planner.data import MemberData as MemberData
from schedule.planner.data import NoteData as NoteData
from schedule.planner.data import PlanData as PlanData
from schedule.planner.data import Planned as Planned
from schedule.planner.data import RewardData as RewardData
from schedule.planner.data import RoutineData as RoutineData
from schedule.planner.data import Stars as Stars
from schedule.planner.data import StepData as StepData
from schedule.planner.data import Ticks as Ticks
from schedule.planner.day import day_view as day_view
from schedule.planner.day import routines_on as routines_on
from schedule.planner.day import star_views as star_views
from schedule.planner.day import step_holders as step_holders
from schedule.planner.nights import Morning as Morning
from schedule.planner.nights import Seam as Seam
from schedule.planner.nights import changes as changes
from schedule.planner.nights import is_night as is_night
from schedule.planner.nights import may_follow as may_follow
from schedule.planner.nights import midnight_seams as midnight_seams
from schedule.planner.nights import morning_after as morning_after
from schedule.planner.nights import nights as nights
from schedule.planner.shown import BlockView as BlockView
from schedule.planner.shown import ChoreView as ChoreView
from schedule.planner.shown import DayView as DayView
from schedule.planner.shown import MovedAway as MovedAway
from schedule.planner.shown import RoutineView as RoutineView
from schedule.planner.shown import StarView as StarView
from schedule.planner.shown import StepView as StepView
from schedule.planner.shown import YearMark as YearMark
from schedule.planner.shown import to_get_ready as to_get_ready
