"""Issue 27's set-up and admin parts, as a parent meets them: readings that follow
a renamed title, a new wall in the household's language, a plan started from a
template day, removing the demo family (and nothing of the family's own), an
empty start with its New Year closure, and members' photos."""

import io
import json
import re
from datetime import date, datetime
from io import StringIO

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from schedule.common import readings
from schedule.data import demo_rows, portable
from schedule.family import photos
from schedule.models import (
    Block,
    Chore,
    ChoreAssignee,
    Closure,
    DemoRow,
    Display,
    Member,
    MemberPhoto,
    Plan,
    Routine,
)
from tests.conftest import TOKYO
from tests.test_admin import client_in, one_block_post, plan_post, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def ja(db, settings):
    from django.contrib.auth.models import User

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    parent = User.objects.create_superuser("parent", "parent@example.com", "a-long-password")
    return client_in("ja", parent)


MORNING = datetime(2026, 11, 23, 9, 0, tzinfo=TOKYO)


@pytest.fixture
def frozen():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def proposals(monkeypatch):
    """Readings as the helper would propose them, without starting it; the asked titles."""
    asked: list[list[str]] = []
    known = {
        "お風呂": "おふろ",
        "お風呂そうじ": "おふろそうじ",
        "着がえ": "きがえ",
        "宿題": "しゅくだい",
    }

    def propose(titles):
        asked.append(list(titles))
        return [known.get(title, "") for title in titles]

    monkeypatch.setattr(readings, "propose", propose)
    return asked


# --- Readings follow the title ----------------------------------------------------------


def test_renaming_a_block_reads_the_new_title_again(ja, demo_display, proposals):
    bath = Block.objects.get(plan__name_ja="平日", title_ja="お風呂")
    assert bath.title_reading == "おふろ" and not bath.title_reading_by_hand
    url = reverse("admin:schedule_plan_block", args=[bath.plan_id, bath.pk])
    response = ja.post(url, one_block_post(bath, title_ja="宿題"))
    assert response.status_code == 302
    bath.refresh_from_db()
    assert (bath.title_ja, bath.title_reading) == ("宿題", "しゅくだい")


def test_a_reading_typed_by_hand_stays_when_the_title_changes(ja, demo_display, proposals):
    bath = Block.objects.get(plan__name_ja="平日", title_ja="お風呂")
    url = reverse("admin:schedule_plan_block", args=[bath.plan_id, bath.pk])
    assert ja.post(url, one_block_post(bath, title_reading="おふろだよ")).status_code == 302
    bath.refresh_from_db()
    assert bath.title_reading_by_hand
    assert ja.post(url, one_block_post(bath, title_ja="お風呂そうじ")).status_code == 302
    bath.refresh_from_db()
    assert (bath.title_ja, bath.title_reading) == ("お風呂そうじ", "おふろだよ")
    # Emptied, it is Hibi's to propose again.
    assert ja.post(url, one_block_post(bath, title_reading="")).status_code == 302
    bath.refresh_from_db()
    assert (bath.title_reading, bath.title_reading_by_hand) == ("おふろそうじ", False)


def test_a_title_renamed_to_kana_drops_the_old_reading(ja, demo_display, proposals):
    bath = Block.objects.get(plan__name_ja="平日", title_ja="お風呂")
    url = reverse("admin:schedule_plan_block", args=[bath.plan_id, bath.pk])
    assert ja.post(url, one_block_post(bath, title_ja="おふろ")).status_code == 302
    bath.refresh_from_db()
    assert bath.title_reading == ""


# --- A new wall speaks the household's language -----------------------------------------


@pytest.mark.parametrize(
    ("household", "language", "readings_on"), [("ja", "ja", True), ("en", "en", False)]
)
def test_a_new_display_takes_the_households_language_and_readings(
    ja, settings, household, language, readings_on
):
    settings.LANGUAGE_CODE = household
    html = text_of(ja.get(reverse("admin:schedule_display_add")))
    assert f'<option value="{language}" selected>' in html
    assert bool(re.search(r"name=\"show_readings\"[^>]*checked", html)) == readings_on


# --- A plan from a template day ---------------------------------------------------------


def test_a_new_plan_page_offers_template_days_and_copies(ja, demo_display):
    html = text_of(ja.get(reverse("admin:schedule_plan_add")))
    assert "?start_from=school-weekday" in html and "?start_from=day-off" in html
    weekday = Plan.objects.get(name_ja="平日")
    assert f"?start_from=plan-{weekday.pk}" in html


def test_a_template_day_fills_the_new_plans_blocks_and_saves_them_untouched(ja, proposals):
    page = ja.get(reverse("admin:schedule_plan_add") + "?start_from=school-weekday")
    html = text_of(page)
    assert 'name="name_ja" value="平日"' in html
    assert 'name="blocks-TOTAL_FORMS" value="12"' in html
    assert 'name="blocks-0-title_ja" value="起きる・着がえ"' in html
    # What the page sends back when the parent only taps Save.
    form = page.context["adminform"].form
    blocks = page.context["inline_admin_formsets"][0].formset
    rows = [
        {
            key: (value.strftime("%H:%M") if hasattr(value, "strftime") else value)
            for key, value in f.initial.items()
        }
        for f in blocks.forms
    ]
    post = plan_post(blocks=rows, name_ja=form.initial["name_ja"], name_en="Weekday")
    response = ja.post(reverse("admin:schedule_plan_add"), post)
    assert response.status_code == 302, text_of(response)[:3000]
    plan = Plan.objects.get(name_ja="平日")
    assert plan.blocks.count() == 12
    assert plan.blocks.get(title_ja="起きる・着がえ").icon == "sun"


def test_an_unknown_or_huge_start_from_is_an_empty_new_plan(ja):
    for key in ("plan-99999999999999999999999", "plan-x", "nonsense", "plan-١"):
        response = ja.get(reverse("admin:schedule_plan_add") + f"?start_from={key}")
        assert response.status_code == 200
        assert 'name="blocks-TOTAL_FORMS" value="0"' in text_of(response)


# --- The icon button says what the list sends --------------------------------------------


def test_a_new_steps_icon_shows_the_icon_its_list_sends(ja):
    html = text_of(ja.get(reverse("admin:schedule_routine_add")))
    pattern = html[html.index('id="steps-empty"') :]
    picker = pattern[pattern.index("hibi-icon-picker") : pattern.index("</select>")]
    first = picker.split("<option", 2)[1]
    assert " selected" in first, "the list's first choice is the one chosen"
    label = first.split(">", 1)[1].split("<", 1)[0]
    assert f'<span class="hibi-icon-name">{label}</span>' in picker


# --- Removing the demo family ------------------------------------------------------------


def test_removing_the_demo_keeps_closures_and_the_familys_own_rows(demo_display):
    own = Member.objects.create(name_ja="ばあば", version=1)
    chore = Chore.objects.create(title_ja="金魚のえさ", rrule="FREQ=DAILY", version=1)
    ChoreAssignee.objects.create(chore=chore, member=Member.objects.get(name_ja="はる"))

    done = demo_rows.remove_demo_family()

    assert Closure.objects.filter(name_ja="年末年始").exists()
    assert set(Member.objects.values_list("pk", flat=True)) == {
        own.pk,
        Member.objects.get(name_ja="はる").pk,  # a turn in the family's own chore
    }
    assert Chore.objects.get().title_ja == "金魚のえさ"
    assert chore.assignees.get().name_ja == "はる"
    assert not Plan.objects.exists() and not Routine.objects.exists()
    assert not Display.objects.exists()
    assert {str(row): why for row, why in done.kept} == {"はる": demo_rows.HAS_FAMILY_ROWS}


def test_a_demo_plan_the_family_changed_stays_with_the_members_in_it(demo_display):
    Block.objects.create(plan=Plan.objects.get(name_ja="休日"), start="10:00", end="10:30",
                         title_ja="ピアノ")  # fmt: skip
    Plan.objects.filter(name_ja="平日").update(version=5)  # the family saved the weekday

    done = demo_rows.remove_demo_family()

    assert set(Plan.objects.values_list("name_ja", flat=True)) == {"平日", "休日"}
    assert Plan.objects.get(name_ja="休日").blocks.filter(title_ja="ピアノ").exists()
    assert Member.objects.count() == 4  # the plans kept still name them
    assert not Chore.objects.exists() and not Routine.objects.exists()
    kept = {str(row): why for row, why in done.kept}
    assert kept["平日"] == demo_rows.CHANGED
    assert kept["休日"] == demo_rows.HAS_FAMILY_ROWS


def test_the_admin_offers_an_empty_family_and_removes_the_demo_on_a_post(ja, demo_display):
    index = text_of(ja.get(reverse("admin:index")))
    assert 'action="/admin/remove-demo-family/"' in index
    assert ja.get(reverse("admin:remove_demo_family")).status_code == 405
    response = ja.post(reverse("admin:remove_demo_family"), follow=True)
    assert response.status_code == 200
    assert not Member.objects.exists() and Closure.objects.count() == 1
    assert not DemoRow.objects.exists()
    page = text_of(response)
    assert "remove-demo-family" not in page
    assert reverse("admin:schedule_member_add") in page  # the first steps


def test_the_remove_command_says_what_it_removed_and_kept(demo_display):
    Plan.objects.filter(name_ja="平日").update(version=3)
    out = StringIO()
    call_command("remove_demo_family", stdout=out)
    assert "Removed the demo family" in out.getvalue()
    assert "Kept plan “Weekday”: changed since the demo made it." in out.getvalue()
    assert "Kept family member “Dad”: the family's own rows depend on it." in out.getvalue()


def test_a_database_from_before_this_release_knows_its_demo_by_its_names(demo_display):
    from importlib import import_module

    from django.apps import apps

    DemoRow.objects.all().delete()
    # Such a database has none of the demo's later rows (issue 30's time away, link, announcement).
    for model in ("AwayPeriod", "CaregiverLink", "Announcement"):
        apps.get_model("schedule", model).objects.all().delete()
    # Tonight's rows (migration 0014, issue 29) came after: no such database has them.
    for name in ("Meal", "BagItem", "Countdown", "CallOffRule"):
        apps.get_model("schedule", name).objects.all().delete()
    migration = import_module("schedule.migrations.0012_readings_by_hand_member_photos_demo_rows")
    migration.mark_the_demo(apps, None)
    assert demo_rows.demo_is_here()
    demo_rows.remove_demo_family()
    assert not Member.objects.exists() and Closure.objects.exists()


# --- An empty start ----------------------------------------------------------------------


def run_first(settings, tmp_path, monkeypatch, *args) -> str:
    from schedule.management.commands import first_run as command

    settings.STATIC_ROOT = tmp_path / "static"
    monkeypatch.setattr(command, "lan_address", lambda: "192.168.1.23")
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    out = StringIO()
    call_command("first_run", "--port", "8123", *args, stdout=out)
    return out.getvalue()


def test_first_run_empty_keeps_the_new_year_closure_and_never_loads_the_demo_later(
    settings, tmp_path, monkeypatch, frozen
):
    out = run_first(settings, tmp_path, monkeypatch, "--empty")
    assert "empty family" in out
    assert not Member.objects.exists() and not Plan.objects.exists()
    new_year = Closure.objects.get(name_ja="年末年始")
    assert (new_year.start_date, new_year.end_date) == (date(2026, 12, 29), date(2027, 1, 3))
    assert new_year.yearly
    run_first(settings, tmp_path, monkeypatch)  # a later plain make run
    assert not Member.objects.exists(), "the family started empty: no demo creeps in"


# --- Members' photos ---------------------------------------------------------------------


def picture(size=(1200, 800), kind="JPEG", orientation=None, **extra) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    exif[0x010F] = "Camera maker"
    image.save(out, kind, exif=exif.tobytes() if kind == "JPEG" else b"", **extra)
    return out.getvalue()


def member_post(member, **fields) -> dict:
    return {
        "name_ja": member.name_ja,
        "name_en": member.name_en,
        "colour": member.colour,
        "icon": member.icon,
        "order": str(member.order),
        "loaded_version": str(member.version),
        **fields,
    }


def test_a_photo_is_made_small_upright_and_without_its_metadata(ja, demo_display):
    haru = Member.objects.get(name_ja="はる")
    upload = SimpleUploadedFile("face.jpg", picture(orientation=6), content_type="image/jpeg")
    url = reverse("admin:schedule_member_change", args=[haru.pk])
    response = ja.post(url, member_post(haru, photo=upload))
    assert response.status_code == 302
    haru.refresh_from_db()
    assert haru.photo_url == f"/photos/{haru.photo_key}.jpg"
    served = ja.get(haru.photo_url)
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(served.content)) as small:
        assert small.size == (320, 480)  # turned upright (orientation 6), fitted into 480
        assert not small.getexif()
    assert len(served.content) < 60_000
    # The wall shows it without a sign-in, by its key alone.
    from django.test import Client

    assert Client().get(haru.photo_url).status_code == 200
    assert Client().get("/photos/not-a-key.jpg").status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.jpg", b"This is a shopping list, not a photo.\n" * 10, "読める写真ではありません"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
         "読める写真ではありません"),
        ("bomb.png", "bomb", "画素"),
        ("huge.jpg", "huge", "MB"),
    ],
)  # fmt: skip
def test_a_photo_that_is_too_big_or_no_photo_is_refused_with_a_message(
    ja, demo_display, name, content, message, monkeypatch
):
    if content == "bomb":  # 10,000 × 10,000 pixels in a few kilobytes
        out = io.BytesIO()
        Image.new("1", (10_000, 10_000)).save(out, "PNG", optimize=True)
        content = out.getvalue()
        assert len(content) < 100_000
    if content == "huge":  # 20 MB sent
        content = picture(size=(64, 64)) + b"\0" * (20 * 1024 * 1024)
    haru = Member.objects.get(name_ja="はる")
    upload = SimpleUploadedFile(name, content, content_type="image/jpeg")
    response = ja.post(reverse("admin:schedule_member_change", args=[haru.pk]),
                       member_post(haru, photo=upload))  # fmt: skip
    assert response.status_code == 200
    assert message in text_of(response)
    assert 'href="#id_photo"' in text_of(response)
    haru.refresh_from_db()
    assert haru.photo_key == "" and not MemberPhoto.objects.exists()


def test_a_photo_goes_with_the_export_and_comes_back(ja, demo_display):
    haru = Member.objects.get(name_ja="はる")
    upload = SimpleUploadedFile("face.png", picture(kind="PNG"), content_type="image/png")
    ja.post(
        reverse("admin:schedule_member_change", args=[haru.pk]), member_post(haru, photo=upload)
    )
    haru.refresh_from_db()
    stored = bytes(MemberPhoto.objects.get().image)
    document = json.loads(portable.dumps(portable.export_family()))
    portable.import_family(document, replace=True)
    assert bytes(MemberPhoto.objects.get().image) == stored
    assert Member.objects.get(pk=haru.pk).photo_key == haru.photo_key


def test_an_imported_photo_must_be_a_jpeg(demo_display):
    document = portable.export_family()
    document["member_photos"] = [
        {"id": 1, "member": document["members"][0]["id"], "key": "abcdefghijklmnopqrstuvwx",
         "content_type": "image/jpeg", "image": "PHN2Zz48L3N2Zz4="}  # "<svg></svg>"
    ]  # fmt: skip
    with pytest.raises(portable.ImportRefused, match="member_photos"):
        portable.import_family(document, replace=True)


def test_removing_a_photo_deletes_it(ja, demo_display):
    haru = Member.objects.get(name_ja="はる")
    url = reverse("admin:schedule_member_change", args=[haru.pk])
    upload = SimpleUploadedFile("face.jpg", picture(), content_type="image/jpeg")
    ja.post(url, member_post(haru, photo=upload))
    haru.refresh_from_db()
    assert ja.post(url, member_post(haru, remove_photo="on")).status_code == 302
    haru.refresh_from_db()
    assert haru.photo_key == "" and not MemberPhoto.objects.exists()


def test_a_new_member_gets_a_colour_nobody_has(ja, demo_display):
    html = text_of(ja.get(reverse("admin:schedule_member_add")))
    taken = set(Member.objects.values_list("colour", flat=True))
    chosen = html.split('name="colour" value="', 1)[1].split('"', 1)[0]
    assert chosen not in taken


def test_photo_limits_are_a_phones_photo_and_no_more():
    assert photos.MAX_UPLOAD_BYTES < 20 * 1024 * 1024 and photos.MAX_PIXELS < 10_000 * 10_000
