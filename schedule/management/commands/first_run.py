"""`make run`'s set-up in one step, ending in one block that says where everything is.

Migrates, loads the demo family into an empty database (or, with --empty, only
the New Year closure: `make run-empty`), creates the first admin, computes the
public holidays, collects the static files (saying so: it takes a while the
first time), and prints the admin's address, the first-time password and each
display's wall address, by the machine's LAN address (a tablet cannot open
`localhost`) and on this machine.
"""

import socket
from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from schedule.common import household
from schedule.data.demo import load_demo_family
from schedule.management.commands.ensure_admin import ensure_admin

RULE = "─" * 64


def lan_address() -> str | None:
    """The address other machines on the network reach this one by, if it has one.

    Connecting a UDP socket sends nothing; it only asks the system which of its
    addresses would be used to reach a public one.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


class Command(BaseCommand):
    help = "Set up a fresh checkout for make run and print where the admin and walls are."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="The port make run serves on.")
        parser.add_argument(
            "--empty",
            action="store_true",
            help="Start with an empty family (no demo), keeping the New Year closure and the "
            "public holidays.",
        )
        parser.add_argument(
            "--lan-address",
            dest="lan",
            default="",
            help="The address tablets reach this machine by.",
        )

    def handle(self, *args, port=8000, lan="", empty=False, **options):
        from schedule.data import demo_rows, fresh, portable
        from schedule.family.models import Display

        say = self.stdout.write
        say("Setting up the database…")
        call_command("migrate", interactive=False, verbosity=0)
        today = household.today()
        with transaction.atomic():
            # Only into a database with nothing of a family in it: one that started
            # empty, or whose demo was removed, keeps its closure and stays as it is.
            first = not portable.has_family()
            if first and not empty:
                load_demo_family(today)
                say("Loaded the demo family.")
            elif empty:
                fresh.standard_closures(today)
                if first:
                    say("Started with an empty family: the New Year closure (12/29–1/3) is set.")
                elif demo_rows.demo_is_here():
                    say(
                        "The demo family is still here: remove it in the admin, or with "
                        "`manage.py remove_demo_family`."
                    )
            username, password = ensure_admin()
        say(f"Public holidays: {fresh.holiday_table(today)} this year.")
        say(f"Collecting static files into {settings.STATIC_ROOT} (the first time takes a while)…")
        out = StringIO()
        call_command("collectstatic", interactive=False, verbosity=1, stdout=out)
        say(out.getvalue().strip().splitlines()[-1] if out.getvalue().strip() else "Done.")

        lan = lan or lan_address()
        hosts = [host for host in (lan, "localhost") if host]
        urls = [f"http://{host}:{port}" for host in hosts]
        say("")
        say(RULE)
        say("Hibi is ready.")
        say(f"  Admin:     {urls[0]}/admin/")
        if len(urls) > 1:
            say(f"             {urls[1]}/admin/  (on this machine)")
        say(f"  User:      {username}")
        if password is not None:
            say(f"  Password:  {password}  (shown only now: change it in the admin)")
        else:
            say("  Password:  the one you set (this admin was made on an earlier run)")
        # The first display added (the demo's living room) is the one to set up first.
        displays = list(Display.objects.order_by("id"))
        if displays:
            say("  Walls, to open on each tablet (or scan the QR code on the display's page):")
        for display in displays:
            say(f"    {display.name}")
            for url in urls:
                say(f"      {url}{display.get_absolute_url()}")
        if lan is None:
            say("  No network address found: tablets cannot reach this machine yet.")
        say("  Stop with Ctrl-C.")
        say(RULE)
