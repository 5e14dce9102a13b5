"""Reading a page's form as a browser sees it: every named field with what it holds,
and the POST a browser would send for it unchanged."""

from __future__ import annotations

from html.parser import HTMLParser


class FormFields(HTMLParser):
    """Every named input, select and textarea of a page (or of its form `form_id`),
    with what it holds."""

    def __init__(self, form_id: str | None = None):
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, dict] = {}
        self._form_id = form_id
        self._in_form = form_id is None
        self._select: str | None = None
        self._textarea: str | None = None

    def _field(self, name: str, kind: str) -> dict:
        return self.fields.setdefault(name, {"kind": kind, "values": [], "options": []})

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and self._form_id is not None:
            self._in_form = attributes.get("id") == self._form_id
        if not self._in_form:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = (attributes.get("type") or "text").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            field = self._field(name, kind)
            value = attributes.get("value") or ""
            if kind in {"checkbox", "radio"}:
                field["options"].append(value or "on")
                if "checked" in attributes:
                    field["values"].append(value or "on")
            else:
                field["values"].append(value)
        elif tag == "select" and name:
            self._select = name
            self._field(name, "select")["multiple"] = "multiple" in attributes
        elif tag == "option" and self._select:
            field = self.fields[self._select]
            field["options"].append(attributes.get("value") or "")
            if "selected" in attributes:
                field["values"].append(attributes.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self._field(name, "textarea")["values"].append("")

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea]["values"][-1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._form_id is not None:
            self._in_form = False


# Fields outside a model's form: the language switch, the log-out form's token.
NOT_THE_FORM = {"language", "next", "csrfmiddlewaretoken"}


def form_of(html: str, form_id: str | None = None) -> dict[str, dict]:
    """The fields of the page (all of its forms but the header's), or of one form."""
    parser = FormFields(form_id)
    parser.feed(html)
    left_out = NOT_THE_FORM if form_id is None else {"csrfmiddlewaretoken"}
    return {name: field for name, field in parser.fields.items() if name not in left_out}


def as_sent(fields: dict[str, dict]) -> dict[str, list[str]]:
    """What a browser sends for the form as it was drawn: ticked boxes only, a
    select's chosen options (a single one's first when none is chosen), every other
    field's value. A textarea drops the one newline that follows its tag."""
    sent: dict[str, list[str]] = {}
    for name, field in fields.items():
        if field["kind"] == "select" and not field["values"] and not field["multiple"]:
            values = field["options"][:1]
        elif field["kind"] == "textarea":
            values = [value.removeprefix("\n") for value in field["values"]]
        else:
            values = field["values"]
        if values:
            sent[name] = list(values)
    return sent
