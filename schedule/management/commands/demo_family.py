"""Load the demo family (idempotent); --reset deletes the family's data first."""

from django.core.management.base import BaseCommand

from schedule.common import household
from schedule.data import portable
from schedule.data.demo import load_demo_family


class Command(BaseCommand):
    help = "Create or refresh the bilingual demo family of four, their plans and chores."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="Delete all plans, chores and members first."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has a family (members, plans, closures...).",
        )
        parser.add_argument(
            "--base-url", default="", help="Prefix for the printed wall URL, e.g. http://host:8000"
        )

    def handle(self, *args, reset=False, if_empty=False, base_url="", **options):
        from schedule.family.models import Display, Member

        # A family that removed the demo, or started without it, has its closure
        # still: it is not empty, and never gets the demo back by itself.
        if if_empty and (Member.objects.exists() or portable.has_family()):
            self.stdout.write("The database already has a family; demo not loaded.")
            display = Display.objects.first()
        else:
            display = load_demo_family(household.today(), reset=reset)
            self.stdout.write(self.style.SUCCESS("Demo family loaded."))
        if display is not None:
            self.stdout.write(
                f"Wall of “{display.name}”: {base_url.rstrip('/')}{display.get_absolute_url()}"
            )
