"""Routines, their steps and the blocks and children that use them; stars and rewards."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from schedule.common import household, icon_words, icons, readings, validation
from schedule.common.forms import (
    DayCheckboxes,
    IconPicker,
    VersionedForm,
    _deleted,
    icon_field,
    keep_unknown_icon,
)
from schedule.family.models import Member
from schedule.plans.forms import _times
from schedule.plans.models import Block
from schedule.routines.models import (
    Reward,
    Routine,
    RoutineAssignment,
    RoutineStep,
    StarEntry,
    StarRules,
)


class RoutineForm(VersionedForm):
    icon = icon_field()

    class Meta:
        model = Routine
        fields = ["title_ja", "title_reading", "title_en", "icon", "stars"]
        widgets = {"stars": forms.NumberInput(attrs={"class": "hibi-narrow"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keep_unknown_icon(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        readings.fill_missing([self])
        return data


# A step whose title calls for no picture gets one that says "well done".
FALLBACK_ICON = "star"


class StepForm(forms.ModelForm):
    # A child reads a step by its picture, so every step has one; left to the
    # title, the picture is the one its words call for (common/icon_words.py),
    # else a star: three taps less per step on a phone.
    icon = forms.ChoiceField(
        label=_("Icon"),
        choices=[("", _("From its title")), *icons.icon_choices()],
        required=False,
        widget=IconPicker,
    )

    class Meta:
        model = RoutineStep
        fields = ["order", "icon", "title_ja", "title_reading", "title_en", "minutes"]
        widgets = {
            "order": forms.NumberInput(attrs={"class": "hibi-narrow", "min": 0}),
            "title_ja": forms.TextInput(attrs={"size": 12}),
            "title_reading": forms.TextInput(attrs={"size": 12}),
            "title_en": forms.TextInput(attrs={"size": 12}),
            "minutes": forms.NumberInput(attrs={"class": "hibi-narrow", "min": 1}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keep_unknown_icon(self)
        order = self.fields["order"]
        order.required = False
        order.help_text = _("Empty: after the others.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("icon"):
            titles = (cleaned.get("title_ja") or "", cleaned.get("title_en") or "")
            cleaned["icon"] = icon_words.icon_for(*titles) or FALLBACK_ICON
        return cleaned


class StepFormSet(forms.BaseInlineFormSet):
    """A routine has 1 to 12 steps (validation.steps_problem); a step without a
    number goes after the others, in the order of the rows."""

    def clean(self) -> None:
        super().clean()
        live = [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not _deleted(form)
        ]
        problem = validation.steps_problem(len(live))
        if problem == validation.EMPTY:
            raise ValidationError(_("A routine needs at least one step."), code="no_steps")
        if problem == validation.TOO_MANY:
            raise ValidationError(
                _("A routine has at most %(most)d steps."),
                params={"most": validation.MAX_STEPS_PER_ROUTINE},
                code="too_many_steps",
            )
        numbered = [form.cleaned_data.get("order") for form in live]
        last = max((n for n in numbered if n is not None), default=0)
        for form in live:
            if form.cleaned_data.get("order") is None:
                last += 1
                form.cleaned_data["order"] = form.instance.order = last
        readings.fill_missing([form for form in live if form.has_changed()])


class BlockChoiceField(forms.ModelChoiceField):
    """A block named as a parent finds it: its plan, its times, its title."""

    def label_from_instance(self, obj: Block) -> str:
        return f"{obj.plan} · {_times(obj.start, obj.end)} {obj}"


class RoutineUseForm(forms.ModelForm):
    # Own empty choices: Django's "- Select an option -" has no Japanese yet.
    block = BlockChoiceField(
        label=_("block"),
        queryset=Block.objects.select_related("plan").order_by("plan__name_ja", "start", "id"),
        empty_label=_("Choose a block"),
    )
    member = forms.ModelChoiceField(
        label=_("member"), queryset=Member.objects.all(), empty_label=_("Choose who")
    )

    class Meta:
        model = RoutineAssignment
        fields = ["block", "member"]

    def validate_unique(self) -> None:
        """Left to RoutineUseFormSet, which names the child and the block (Django's
        own words for the constraint name neither); the database still refuses."""


class RoutineUseFormSet(forms.BaseInlineFormSet):
    """Where a routine is used: by someone in the block, one routine per child
    in a block, and not twice for one child in one plan (validation.py)."""

    def validate_unique(self) -> None:
        """See RoutineUseForm.validate_unique: clean() says it in the family's words."""

    def clean(self) -> None:
        super().clean()
        rows = [
            (form, form.cleaned_data["block"], form.cleaned_data["member"])
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and form.cleaned_data.get("block")
            and form.cleaned_data.get("member")
            and not _deleted(form)
        ]
        if not rows:
            return
        block_ids = {block.pk for _form, block, _member in rows}
        in_block: dict[int, set[int]] = {pk: set() for pk in block_ids}
        for block_id, member_id in Block.members.through.objects.filter(
            block_id__in=block_ids
        ).values_list("block_id", "member_id"):
            in_block[block_id].add(member_id)
        for form, block, member in rows:
            if not validation.member_fits_block(frozenset(in_block[block.pk]), member.pk):
                form.add_error(
                    "member",
                    ValidationError(
                        _(
                            "%(member)s is not in “%(block)s”. Choose someone in the block, "
                            "or add them to the block in its plan first."
                        ),
                        params={"member": member, "block": block},
                        code="not_in_block",
                    ),
                )
        self._refuse_clashes(rows)

    def _refuse_clashes(self, rows) -> None:
        others = RoutineAssignment.objects.filter(
            block__plan_id__in={block.plan_id for _form, block, _member in rows},
            member_id__in={member.pk for _form, _block, member in rows},
        ).select_related("block", "routine")
        if self.instance.pk is not None:
            others = others.exclude(routine=self.instance)
        known = list(others)
        routine = self.instance.pk or 0  # a new routine is no other routine
        uses = [validation.RoutineUse(u.block.plan_id, u.block_id, u.member_id, u.routine_id)
                for u in known]  # fmt: skip
        uses += [
            validation.RoutineUse(block.plan_id, block.pk, member.pk, routine)
            for _form, block, member in rows
        ]
        blocks = {u.block_id: u.block for u in known} | {b.pk: b for _f, b, _m in rows}
        for later, earlier, why in validation.routine_clashes(uses):
            if later < len(known):
                continue  # saved before, not this page's doing
            form, _block, member = rows[later - len(known)]
            block = blocks[uses[earlier].block]
            if why == validation.SAME_BLOCK:
                message = _(
                    "%(member)s already has a routine in “%(block)s”: one routine for "
                    "each child in a block."
                )
            else:
                message = _(
                    "%(member)s already has this routine in “%(block)s” of the same plan. "
                    "Duplicate the routine for a second time of the day."
                )
            form.add_error(
                None,
                ValidationError(message, params={"member": member, "block": block}, code=why),
            )


class RewardForm(VersionedForm):
    icon = icon_field(required=True)

    class Meta:
        model = Reward
        fields = ["title_ja", "title_reading", "title_en", "icon", "price"]
        widgets = {"price": forms.NumberInput(attrs={"class": "hibi-narrow", "min": 1})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keep_unknown_icon(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        readings.fill_missing([self])
        return data


class StarRulesForm(VersionedForm):
    """The star rules, and who collects stars (each member's `collects_stars`)."""

    collectors = forms.ModelMultipleChoiceField(
        label=_("who collects stars"),
        queryset=Member.objects.all(),
        required=False,
        widget=DayCheckboxes,
        help_text=_("Usually the children."),
    )

    class Meta:
        model = StarRules
        fields = ["enabled", "per_routine", "per_chore"]
        widgets = {
            "per_routine": forms.NumberInput(attrs={"class": "hibi-narrow", "min": 0}),
            "per_chore": forms.NumberInput(attrs={"class": "hibi-narrow", "min": 0}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collectors"].initial = list(
            Member.objects.filter(collects_stars=True).values_list("pk", flat=True)
        )

    def save_collectors(self) -> None:
        chosen = [member.pk for member in self.cleaned_data["collectors"]]
        Member.objects.filter(pk__in=chosen).update(collects_stars=True)
        Member.objects.exclude(pk__in=chosen).update(collects_stars=False)


MOST_STARS_BY_HAND = 99


class StarEntryForm(forms.ModelForm):
    """A parent's own line in a child's ledger: a star for something special, or a
    few taken away, with a word on why."""

    amount = forms.IntegerField(
        label=_("stars"),
        min_value=-MOST_STARS_BY_HAND,
        max_value=MOST_STARS_BY_HAND,
        help_text=_("A minus takes stars away, such as -1."),
        widget=forms.NumberInput(attrs={"class": "hibi-narrow"}),
    )

    class Meta:
        model = StarEntry
        fields = ["member", "date", "amount", "what_ja", "what_en"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            return  # a row already written is only ever read (admin.HistoryAdmin)
        self.instance.kind = StarEntry.Kind.PARENT
        self.fields["date"].initial = household.today
        member = self.fields["member"]
        assert isinstance(member, forms.ModelChoiceField)
        member.queryset = Member.objects.filter(collects_stars=True)

    def clean_amount(self) -> int:
        amount = self.cleaned_data["amount"]
        if amount == 0:
            raise ValidationError(_("Give at least one star, or take at least one."))
        return amount
