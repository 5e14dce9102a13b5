"""Every model of the one `schedule` app, for Django and for callers.

The models live in their feature's room (family/, plans/, chores/, routines/,
calendars/, announcements/, caregivers/, nudges/, meals/, weather/, bags/,
countdowns/, and common/ for what they share); Django finds them here, where
the app's models module is, and `from schedule.models import Chore` keeps
working. Each name is re-exported explicitly, so mypy sees it.
"""

from schedule.announcements.models import Announcement as Announcement
from schedule.announcements.models import AnnouncementDismissal as AnnouncementDismissal
from schedule.announcements.models import AnnouncementToken as AnnouncementToken
from schedule.bags.models import BagItem as BagItem
from schedule.bags.models import BagPacked as BagPacked
from schedule.bags.models import BagRules as BagRules
from schedule.calendars.models import PROBLEMS as PROBLEMS
from schedule.calendars.models import CalendarEvent as CalendarEvent
from schedule.calendars.models import CalendarFeed as CalendarFeed
from schedule.calendars.models import CalendarSubscription as CalendarSubscription
from schedule.calendars.models import describe_problem as describe_problem
from schedule.caregivers.models import CaregiverLink as CaregiverLink
from schedule.chores.garbage.models import CLOSURE_PROBLEMS as CLOSURE_PROBLEMS
from schedule.chores.garbage.models import ChoreCancellation as ChoreCancellation
from schedule.chores.garbage.models import ChoreClosure as ChoreClosure
from schedule.chores.garbage.models import Closure as Closure
from schedule.chores.garbage.models import ClosureAction as ClosureAction
from schedule.chores.garbage.models import LinkAction as LinkAction
from schedule.chores.garbage.models import closure_errors as closure_errors
from schedule.chores.models import MAX_LISTED_HOLIDAYS as MAX_LISTED_HOLIDAYS
from schedule.chores.models import Chore as Chore
from schedule.chores.models import ChoreAssignee as ChoreAssignee
from schedule.chores.models import ChoreDone as ChoreDone
from schedule.chores.models import HolidayPolicy as HolidayPolicy
from schedule.chores.models import TimeKind as TimeKind
from schedule.common.models import ALL_WEEKDAYS as ALL_WEEKDAYS
from schedule.common.models import CALENDAR_SCHEMES as CALENDAR_SCHEMES
from schedule.common.models import COLOUR_VALIDATOR as COLOUR_VALIDATOR
from schedule.common.models import SUNDAY as SUNDAY
from schedule.common.models import TOKEN_VALIDATOR as TOKEN_VALIDATOR
from schedule.common.models import WEB_SCHEMES as WEB_SCHEMES
from schedule.common.models import WEEKDAY_NAMES as WEEKDAY_NAMES
from schedule.common.models import BilingualTitle as BilingualTitle
from schedule.common.models import Heartbeat as Heartbeat
from schedule.common.models import Revision as Revision
from schedule.common.models import Versioned as Versioned
from schedule.common.models import has_a_title as has_a_title
from schedule.common.models import in_chore_years as in_chore_years
from schedule.common.models import in_one_language as in_one_language
from schedule.common.models import new_token as new_token
from schedule.common.models import outside_chore_years as outside_chore_years
from schedule.common.models import validate_calendar_url as validate_calendar_url
from schedule.common.models import validate_web_url as validate_web_url
from schedule.countdowns.models import Countdown as Countdown
from schedule.data.models import DemoRow as DemoRow
from schedule.family.away import AwayPeriod as AwayPeriod
from schedule.family.models import CUE_MINUTES_VALIDATOR as CUE_MINUTES_VALIDATOR
from schedule.family.models import Display as Display
from schedule.family.models import DisplayLanguage as DisplayLanguage
from schedule.family.models import IconColour as IconColour
from schedule.family.models import Member as Member
from schedule.family.models import MemberPhoto as MemberPhoto
from schedule.family.models import Theme as Theme
from schedule.meals.models import Meal as Meal
from schedule.meals.models import MealKind as MealKind
from schedule.nudges.models import Delivery as Delivery
from schedule.nudges.models import DeliveryKind as DeliveryKind
from schedule.nudges.models import DeliveryStatus as DeliveryStatus
from schedule.nudges.models import NudgeTarget as NudgeTarget
from schedule.plans.models import Block as Block
from schedule.plans.models import Note as Note
from schedule.plans.models import Plan as Plan
from schedule.plans.models import PlanOverride as PlanOverride
from schedule.routines.models import MAX_REWARD_PRICE as MAX_REWARD_PRICE
from schedule.routines.models import MAX_STARS_PER_THING as MAX_STARS_PER_THING
from schedule.routines.models import MAX_STEP_MINUTES as MAX_STEP_MINUTES
from schedule.routines.models import Reward as Reward
from schedule.routines.models import Routine as Routine
from schedule.routines.models import RoutineAssignment as RoutineAssignment
from schedule.routines.models import RoutineStep as RoutineStep
from schedule.routines.models import StarEntry as StarEntry
from schedule.routines.models import StarKind as StarKind
from schedule.routines.models import StarRules as StarRules
from schedule.routines.models import StepDone as StepDone
from schedule.routines.models import Totals as Totals
from schedule.routines.models import snapshot_titles as snapshot_titles
from schedule.weather.models import CallOffRule as CallOffRule
from schedule.weather.models import Provider as Provider
from schedule.weather.models import ReportKind as ReportKind
from schedule.weather.models import WeatherPlace as WeatherPlace
from schedule.weather.models import WeatherReport as WeatherReport
