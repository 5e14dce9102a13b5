"""Warnings in force, and the blocks they call off: the demo family's rules
(school off for Haru on 暴風警報 or 大雨特別警報 at 7:00; daycare off for Mio on
an emergency warning only), decided at 7:00 and kept for the day."""

from datetime import UTC, date, datetime, time

import pytest
from django.utils import translation

from schedule.models import Block, CallOffRule, Delivery, Member, NudgeTarget, WeatherPlace
from schedule.nudges import sending
from schedule.weather import sync
from schedule.weather.calloffs import called_off
from schedule.weather.documents import InForce, Warnings
from schedule.weather.selectors import warnings_at
from tests.conftest import TOKYO

pytestmark = pytest.mark.django_db

TUESDAY = date(2026, 1, 6)
AREA = "1310300"
STORM = (InForce("05", "発表"), InForce("03", "継続"), InForce("14", "継続"))


def at(hh_mm: str, day: date = TUESDAY) -> datetime:
    return datetime.combine(day, time.fromisoformat(hh_mm), TOKYO)


def report(reported: str, in_force=(), checked: str | None = None, day: date = TUESDAY) -> None:
    """A warnings report as the worker keeps it: made at `reported`, last
    confirmed by a fetch at `checked`."""
    place = WeatherPlace.load()
    warnings = Warnings(at(reported, day), AREA, tuple(in_force))
    sync._keep_warnings(place.warnings_key, warnings, at(checked or reported, day))


@pytest.fixture
def family(demo_display):
    return {m.name_en: m for m in Member.objects.all()}


def offs(moment: datetime, day: date = TUESDAY):
    return called_off(day, moment)


def test_the_warnings_in_force_in_plain_words_and_a_picture(family):
    report("06:42", STORM, checked="06:45")
    now = warnings_at(at("06:50"))
    assert now.known and now.reported_at == at("06:42")
    storm = next(w for w in now.in_force if w.code == "05")
    assert (storm.code, storm.picture, storm.reading) == ("05", "wind", "ぼうふうけいほう")
    assert (storm.name_ja, storm.name_en) == ("暴風警報", "Storm warning")
    assert storm.plain_en == "Very strong wind" and storm.plain_ja == "かぜが とても つよい"
    assert [w.code for w in now.banner] == ["03", "05"]  # warnings, not the thunder advisory
    assert now.in_force[-1].code == "14" and not now.in_force[-1].is_warning


def test_an_unknown_code_is_shown_by_its_code(family):
    report("06:42", (InForce("29", "発表"),), checked="06:45")
    unknown = warnings_at(at("06:50")).in_force[0]
    assert unknown.name_en == "JMA warning 29" and unknown.picture == "warning"
    assert unknown.name_ja == "気象庁の警報・注意報 29"


def test_at_6_59_school_may_still_be_off(family):
    report("06:42", STORM, checked="06:45")
    (haru,) = offs(at("06:59"))
    assert not haru.decided
    assert haru.blocks[0].title_ja == "保育園・学校"
    assert haru.blocks[0].member_ids == (family["Haru"].pk,)
    assert haru.reason_en == "Called off if Storm warning is still in force at 7:00."
    assert haru.reason_ja == "7:00に暴風警報が出ていたら、お休みです。"


@pytest.mark.parametrize("moment", ["07:00", "07:01", "12:00", "23:59"])
def test_from_7_00_school_is_off_for_the_day(family, moment):
    report("06:42", STORM, checked="06:45")
    report("07:01", (), checked="07:01")  # lifted a minute later: school stays off
    (haru,) = offs(at(moment))
    assert haru.decided and haru.decide_at == at("07:00")
    assert [w.code for w in haru.warnings] == ["05"]  # 大雨警報 (03) is not in Haru's rule
    assert haru.reason_en == "Called off: Storm warning was in force at 7:00."
    assert haru.reason_ja == "7:00に暴風警報が出ていたので、お休みです。"


def test_a_warning_issued_at_7_00_exactly_counts(family):
    report("06:00", (), checked="06:55")
    report("07:00", STORM)
    assert [c.rule_id for c in offs(at("07:00"))] == [_rule(family, "Haru").pk]


def test_a_warning_issued_at_7_01_does_not_close_school(family):
    report("06:00", (), checked="06:58")
    report("07:01", STORM)
    assert offs(at("06:59")) == ()
    assert offs(at("07:01")) == ()
    assert offs(at("09:00")) == ()
    assert warnings_at(at("07:01")).in_force  # it is in force, and shown on the wall


def test_an_emergency_warning_closes_daycare_too(family):
    report("06:30", (InForce("33", "発表"),), checked="06:55")
    closed = {c.blocks[0].member_ids[0] for c in offs(at("07:00"))}
    assert closed == {family["Haru"].pk, family["Mio"].pk}


def test_a_report_nobody_confirmed_for_hours_decides_nothing(family):
    report("02:00", STORM, checked="03:00")  # then the network went down
    assert not warnings_at(at("07:00")).known
    assert offs(at("07:00")) == ()


def test_a_later_report_confirms_the_earlier_one_was_in_force(family):
    report("02:00", STORM, checked="03:00")
    report("09:00", (), checked="09:05")  # the network is back: JMA lifted it at 9:00
    assert warnings_at(at("07:00")).known
    assert len(offs(at("09:10"))) == 1


def test_no_rule_for_a_day_whose_plan_has_no_such_block(family):
    saturday = date(2026, 1, 10)
    report("06:42", STORM, checked="06:45", day=saturday)
    assert offs(at("07:30", saturday), saturday) == ()


def test_tomorrow_is_not_called_off_from_tonight_s_warnings(family):
    report("20:00", STORM, checked="21:00", day=date(2026, 1, 5))
    assert called_off(TUESDAY, at("21:00", date(2026, 1, 5))) == ()


def test_a_member_s_own_blocks_from_the_decision_on(family):
    CallOffRule.objects.all().delete()
    CallOffRule.objects.create(member=family["Haru"], warnings=["05"])
    report("06:42", STORM, checked="06:45")
    (off,) = offs(at("07:00"))
    assert [b.title_en for b in off.blocks] == ["Daycare & school", "Snack & play"]
    assert all(b.member_ids == () for b in off.blocks)


def test_a_switched_off_rule_or_place_calls_nothing_off(family):
    report("06:42", STORM, checked="06:45")
    WeatherPlace.objects.update(enabled=False)
    assert offs(at("07:00")) == ()
    WeatherPlace.objects.update(enabled=True)
    CallOffRule.objects.update(enabled=False)
    assert offs(at("07:00")) == ()


def test_a_hand_edited_rule_with_odd_codes_does_not_break_the_wall(family):
    CallOffRule.objects.update(warnings={"not": "a list"})
    report("06:42", STORM, checked="06:45")
    assert offs(at("07:00")) == ()


def _rule(family, name):
    return CallOffRule.objects.get(member=family[name])


def test_the_parents_phones_are_told_once_when_school_is_called_off(family):
    phone = NudgeTarget.objects.create(
        name="Mum", apprise_url="json://127.0.0.1:9/", language="both", quiet_start=None,
        quiet_end=None,
    )  # fmt: skip
    report("06:42", STORM, checked="06:45")
    assert [d for d in sending.due(at("06:59")) if d.occurrence.startswith("calloff")] == []
    dues = [d for d in sending.due(at("07:05")) if d.occurrence.startswith("calloff")]
    assert len(dues) == 1 and dues[0].target == phone
    assert dues[0].occurrence == f"calloff:{_rule(family, 'Haru').pk}:2026-01-06"
    assert dues[0].body == (
        "保育園・学校: 7:00に暴風警報が出ていたので、お休みです。\n"
        "Daycare & school: Called off: Storm warning was in force at 7:00."
    )
    Delivery.objects.bulk_create([d.as_row() for d in dues])
    again = [d.as_row() for d in sending.due(at("07:06")) if d.occurrence.startswith("calloff")]
    Delivery.objects.bulk_create(again, ignore_conflicts=True)
    assert Delivery.objects.filter(occurrence__startswith="calloff").count() == 1
    assert [d for d in sending.due(at("07:16")) if d.occurrence.startswith("calloff")] == []


def test_a_rule_that_says_no_nudge_sends_none(family):
    NudgeTarget.objects.create(name="Mum", apprise_url="json://127.0.0.1:9/")
    CallOffRule.objects.update(nudge=False)
    report("06:42", STORM, checked="06:45")
    assert [d for d in sending.due(at("07:05")) if d.occurrence.startswith("calloff")] == []


def test_the_rule_s_checks(family):
    from django.core.exceptions import ValidationError

    dad = family["Dad"]
    school = Block.objects.filter(title_en="Daycare & school").first()
    with pytest.raises(ValidationError) as refused:
        CallOffRule(block=school, member=dad, warnings=["05"]).full_clean()
    assert "member" in refused.value.message_dict
    for warnings in ([], ["x"], "05", [5]):
        with pytest.raises(ValidationError):
            CallOffRule(block=school, warnings=warnings).full_clean()
    with pytest.raises(ValidationError):
        CallOffRule(warnings=["05"]).full_clean()
    with translation.override("ja"):
        assert _rule(family, "Haru").warning_names() == ["暴風警報", "大雨特別警報"]


def test_the_moment_may_be_given_in_utc(family):
    report("06:42", STORM, checked="06:45")
    assert offs(at("07:00").astimezone(UTC))[0].decided
    assert not offs(at("06:59").astimezone(UTC))[0].decided
