"""`__in` on integer columns that leaves out numbers no such column can hold.

Django already answers `pk=2**64` with "no such row" instead of handing the
number to the database driver (which overflows: a 500). `pk__in=[2**64]`
still reaches the driver, and that is the lookup behind an admin action's
ticked rows and a form's checkboxes (a block's or a display's members), so a
forged id there was a 500. A number outside the column's range matches no
row, so leaving it out changes no answer.
"""

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            internal_type = self.lhs.output_field.get_internal_type()
            low, high = connection.ops.integer_field_range(internal_type)
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)
