"""The one GOV.UK form renderer (scrutiny/govuk.py, templates/govuk/): each kind of widget is
drawn as its GOV.UK component, a field with an error shows it as GOV.UK does, and the one error
summary links each message to an input that is on the page.

The first tests draw a small form that has one field of each kind, without a database; the
last ones open every form page of the register, as it opens and refused, and check the links
of its error summary.
"""

import datetime
import inspect
from html.parser import HTMLParser

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import TemplatesSetting, get_default_renderer
from django.template.loader import render_to_string

import recommendations.forms
import reviews.forms
from scrutiny.forms import GovukDateField
from scrutiny.govuk import (
    ErrorItem,
    GovukBoundField,
    GovukForm,
    GovukFormMixin,
    error_summary_items,
)

from .test_permissions import WRITE_URLS, WorldTestCase, client_for, page_form, url_for

VOID = {"input", "br", "img", "hr", "meta", "link", "area", "base", "col", "source", "wbr"}


class Page(HTMLParser):
    """The elements of a piece of HTML: tag, attributes and text, found by id or class."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[dict] = []
        self._open: list[dict] = []
        self.feed(str(html))

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": {k: v or "" for k, v in attrs}, "text": ""}
        element["classes"] = set(element["attrs"].get("class", "").split())
        element["within"] = [id(e) for e in self._open]
        self.elements.append(element)
        if tag not in VOID:
            self._open.append(element)

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        for element in self._open:
            element["text"] += data

    def all(self, tag: str | None = None, cls: str | None = None, **attrs) -> list[dict]:
        return [
            e
            for e in self.elements
            if (tag is None or e["tag"] == tag)
            and (cls is None or cls in e["classes"])
            and all(e["attrs"].get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())
        ]

    def one(self, tag: str | None = None, cls: str | None = None, **attrs) -> dict:
        found = self.all(tag, cls, **attrs)
        assert len(found) == 1, f"{len(found)} <{tag or '*'} class={cls} {attrs}>, not one"
        return found[0]

    def by_id(self, id_: str) -> dict:
        return self.one(id=id_)

    def inside(self, container: dict, tag: str) -> list[dict]:
        return [e for e in self.all(tag) if id(container) in e["within"]]

    def text(self, element: dict) -> str:
        return " ".join(element["text"].split())


# --- one field of each kind --------------------------------------------------------------------

COLOURS = [("red", "Red"), ("green", "Green"), ("blue", "Blue")]


class EveryKindForm(GovukForm):
    name = forms.CharField(label="Name", max_length=40, help_text="As it is written.")
    count = forms.IntegerField(label="How many", min_value=1)
    notes = forms.CharField(label="Notes", widget=forms.Textarea(attrs={"rows": 3}))
    colour = forms.ChoiceField(label="Colour", choices=[("", "Choose"), *COLOURS])
    size = forms.ChoiceField(
        label="Size", choices=[("s", "Small"), ("l", "Large")], widget=forms.RadioSelect
    )
    extras = forms.MultipleChoiceField(
        label="Extras", choices=COLOURS, widget=forms.CheckboxSelectMultiple, required=False
    )
    agree = forms.BooleanField(label="I agree", required=False)
    day = GovukDateField(label="Day it happened")
    note = forms.CharField(label="A note", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


INVALID = {
    "name": "",
    "count": "0",
    "notes": "",
    "colour": "purple",
    "extras": ["black"],
    "day_0": "31",
    "day_1": "2",
    "day_2": "2017",
    "version": "1",
}


def drawn(form) -> Page:
    return Page(form.render())


def test_the_renderer_is_the_projects_templates():
    """Widget templates are found in templates/govuk/widgets through the project's engine."""
    assert settings.FORM_RENDERER == "django.forms.renderers.TemplatesSetting"
    assert isinstance(get_default_renderer(), TemplatesSetting)


def test_every_form_of_the_register_draws_its_fields_the_govuk_way():
    """A form that is not a GovukForm would fall back on Django's own markup."""
    plain = []
    for module in (reviews.forms, recommendations.forms):
        for name, cls in inspect.getmembers(module, inspect.isclass):
            ours = issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__
            if ours and not issubclass(cls, GovukFormMixin):
                plain.append(f"{module.__name__}.{name}")
    assert plain == []


def test_text_input():
    page = drawn(EveryKindForm())
    box = page.by_id("id_name")
    assert box["tag"] == "input" and box["attrs"]["type"] == "text"
    assert box["classes"] == {"govuk-input"}
    assert box["attrs"]["name"] == "name"
    # The server says what is wrong, in words: no browser checks, no silent cut at maxlength.
    for attribute in ("maxlength", "required", "aria-invalid"):
        assert attribute not in box["attrs"]
    label = page.one("label", for_="id_name")
    assert label["classes"] == {"govuk-label", "govuk-label--s"}
    assert page.text(label) == "Name"
    hint = page.by_id("name-hint")
    assert "govuk-hint" in hint["classes"] and page.text(hint) == "As it is written."
    assert box["attrs"]["aria-describedby"] == "name-hint"
    group = page.by_id("group-name")
    assert group["classes"] == {"govuk-form-group"}


def test_a_number_is_typed_in_a_text_box():
    box = drawn(EveryKindForm()).by_id("id_count")
    assert box["attrs"]["type"] == "text"
    assert box["attrs"]["inputmode"] == "numeric"
    assert box["classes"] == {"govuk-input", "govuk-input--width-4"}
    assert "min" not in box["attrs"]
    assert "aria-describedby" not in box["attrs"]  # no hint, no error


def test_textarea():
    box = drawn(EveryKindForm()).by_id("id_notes")
    assert box["tag"] == "textarea"
    assert box["classes"] == {"govuk-textarea"}
    assert box["attrs"]["rows"] == "3"
    assert "cols" not in box["attrs"]


def test_select():
    page = drawn(EveryKindForm(initial={"colour": "green"}))
    select = page.by_id("id_colour")
    assert select["tag"] == "select" and select["classes"] == {"govuk-select"}
    options = page.all("option")
    assert [o["attrs"]["value"] for o in options] == ["", "red", "green", "blue"]
    assert [o["attrs"]["value"] for o in options if "selected" in o["attrs"]] == ["green"]


def test_radios():
    page = drawn(EveryKindForm(initial={"size": "l"}))
    group = page.by_id("id_size")
    assert group["classes"] == {"govuk-radios", "govuk-radios--small"}
    assert group["attrs"]["data-module"] == "govuk-radios"
    radios = page.all("input", type="radio")
    assert [r["attrs"]["id"] for r in radios] == ["id_size_0", "id_size_1"]
    assert all(r["classes"] == {"govuk-radios__input"} for r in radios)
    assert [r["attrs"]["id"] for r in radios if "checked" in r["attrs"]] == ["id_size_1"]
    for radio in radios:
        label = page.one("label", for_=radio["attrs"]["id"])
        assert label["classes"] == {"govuk-label", "govuk-radios__label"}
    (legend,) = page.inside(page.by_id("group-size"), "legend")
    assert page.text(legend) == "Size"


def test_checkboxes():
    page = drawn(EveryKindForm(initial={"extras": ["blue"]}))
    group = page.by_id("id_extras")
    assert group["classes"] == {"govuk-checkboxes", "govuk-checkboxes--small"}
    assert group["attrs"]["data-module"] == "govuk-checkboxes"
    boxes = page.all("input", type="checkbox", name="extras")
    assert [b["attrs"]["value"] for b in boxes] == ["red", "green", "blue"]
    assert all(b["classes"] == {"govuk-checkboxes__input"} for b in boxes)
    assert [b["attrs"]["value"] for b in boxes if "checked" in b["attrs"]] == ["blue"]
    assert all(page.one("label", for_=b["attrs"]["id"]) for b in boxes)


def test_a_single_checkbox_has_its_label_beside_it():
    page = drawn(EveryKindForm(initial={"agree": True}))
    box = page.by_id("id_agree")
    assert box["attrs"]["type"] == "checkbox" and "checked" in box["attrs"]
    assert box["classes"] == {"govuk-checkboxes__input"}
    label = page.one("label", for_="id_agree")
    assert label["classes"] == {"govuk-label", "govuk-checkboxes__label"}
    assert page.text(label) == "I agree"


def test_date_input_has_three_boxes():
    page = drawn(EveryKindForm(initial={"day": datetime.date(2016, 11, 14)}))
    date = page.by_id("day")
    assert date["classes"] == {"govuk-date-input"}
    boxes = page.all("input", cls="govuk-date-input__input")
    assert [b["attrs"]["id"] for b in boxes] == ["id_day_0", "id_day_1", "id_day_2"]
    assert [b["attrs"]["name"] for b in boxes] == ["day_0", "day_1", "day_2"]
    assert [b["attrs"]["value"] for b in boxes] == ["14", "11", "2016"]
    widths = [{c for c in b["classes"] if c.startswith("govuk-input--width-")} for b in boxes]
    assert widths == [{"govuk-input--width-2"}, {"govuk-input--width-2"}, {"govuk-input--width-4"}]
    for box in boxes:
        assert box["attrs"]["inputmode"] == "numeric" and box["attrs"]["type"] == "text"
        assert "govuk-input" in box["classes"]
    labels = [page.text(page.one("label", for_=b["attrs"]["id"])) for b in boxes]
    assert labels == ["Day", "Month", "Year"]
    fieldset = page.one("fieldset", role="group")
    assert fieldset["attrs"]["aria-describedby"] == "day-hint"
    assert page.text(page.by_id("day-hint")) == "For example, 14 11 2016"


def test_optional_fields_say_so():
    page = drawn(EveryKindForm())
    assert page.text(page.one("label", for_="id_note")) == "A note (optional)"
    assert page.text(page.one("label", for_="id_name")) == "Name"


def test_hidden_field_is_only_its_input():
    page = drawn(EveryKindForm(initial={"version": 3}))
    version = page.by_id("id_version")
    assert version["attrs"]["type"] == "hidden" and version["attrs"]["value"] == "3"
    assert page.all(id="group-version") == []


def test_the_field_template_follows_the_kind_the_widget_declares():
    """Not the number of boxes: a widget of three text boxes is not a date."""
    form = EveryKindForm()
    assert form["day"].govuk_kind == "date"
    assert form["size"].govuk_kind == "radios"
    assert form["extras"].govuk_kind == "checkboxes"
    assert form["notes"].govuk_kind == "textarea"

    class ThreeBoxes(forms.MultiWidget):
        def __init__(self):
            super().__init__([forms.TextInput] * 3)

        def decompress(self, value):
            return [None, None, None]

    class Odd(GovukForm):
        parts = forms.CharField(widget=ThreeBoxes())

    with pytest.raises(TypeError, match="GOVUK_WIDGETS"):
        Odd()["parts"]


def test_every_field_can_be_drawn_alone():
    form = EveryKindForm()
    assert isinstance(form["name"], GovukBoundField)
    page = Page(form["name"].as_field_group())
    assert page.by_id("group-name") and page.by_id("id_name")


# --- the error state ---------------------------------------------------------------------------


def test_each_field_shows_its_error_the_govuk_way():
    form = EveryKindForm(INVALID)
    assert not form.is_valid()
    page = drawn(form)
    for name in ("name", "count", "notes", "colour", "size", "extras", "day"):
        group = page.by_id(f"group-{name}")
        assert "govuk-form-group--error" in group["classes"], name
        message = page.by_id(f"{name}-error")
        assert message["tag"] == "p" and "govuk-error-message" in message["classes"]
        assert page.text(message).startswith("Error: "), name
    # The "Error:" prefix is for screen readers only.
    prefixes = page.all("span", cls="govuk-visually-hidden")
    assert {page.text(p) for p in prefixes} == {"Error:"}
    assert len(prefixes) == 7

    # On the input itself: the error class and aria-describedby with the error's id.
    assert page.by_id("id_name")["classes"] == {"govuk-input", "govuk-input--error"}
    assert page.by_id("id_name")["attrs"]["aria-describedby"] == "name-hint name-error"
    assert page.by_id("id_count")["attrs"]["aria-describedby"] == "count-error"
    assert "govuk-input--error" in page.by_id("id_count")["classes"]
    assert page.by_id("id_notes")["classes"] == {"govuk-textarea", "govuk-textarea--error"}
    assert page.by_id("id_notes")["attrs"]["aria-describedby"] == "notes-error"
    assert page.by_id("id_colour")["classes"] == {"govuk-select", "govuk-select--error"}
    assert page.by_id("id_colour")["attrs"]["aria-describedby"] == "colour-error"
    # On the fieldset of a group: the date's three boxes all marked.
    fieldsets = {f["attrs"].get("aria-describedby") for f in page.all("fieldset")}
    assert {"day-hint day-error", "size-error", "extras-error"} <= fieldsets
    for box in page.all("input", cls="govuk-date-input__input"):
        assert "govuk-input--error" in box["classes"]
    # The values typed are kept.
    assert [b["attrs"]["value"] for b in page.all("input", cls="govuk-date-input__input")] == [
        "31",
        "2",
        "2017",
    ]
    # Fields without an error are not marked.
    assert "govuk-form-group--error" not in page.by_id("group-note")["classes"]
    assert page.all(id="note-error") == []


def test_every_id_that_is_referred_to_is_on_the_page():
    page = drawn(EveryKindForm(INVALID))
    ids = [e["attrs"]["id"] for e in page.elements if "id" in e["attrs"]]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for element in page.elements:
        for attribute in ("aria-describedby", "for"):
            for id_ in element["attrs"].get(attribute, "").split():
                assert id_ in ids, f'{attribute}="{id_}" refers to nothing'


# --- the error summary -------------------------------------------------------------------------


def summary(**context) -> Page:
    return Page(render_to_string("govuk/error_summary.html", context))


def test_the_summary_links_each_error_to_its_fields_first_input():
    form = EveryKindForm(INVALID)
    form.is_valid()
    form.add_error(None, "Something about the whole form.")
    page = summary(form=form)
    box = page.one("div", cls="govuk-error-summary")
    assert box["attrs"]["data-module"] == "govuk-error-summary"
    assert page.text(page.one("h2", cls="govuk-error-summary__title")) == "There is a problem"
    items = page.all("li")
    assert page.text(items[0]) == "Something about the whole form."  # first, not linked
    links = [a["attrs"]["href"] for a in page.all("a")]
    assert links == [
        "#id_name",
        "#id_count",
        "#id_notes",
        "#id_colour",
        "#id_size_0",  # the first radio
        "#id_extras_0",  # the first checkbox
        "#id_day_0",  # the day box
    ]
    form_page = drawn(form)
    for href in links:
        target = form_page.by_id(href[1:])
        assert target["tag"] in {"input", "select", "textarea"}, href


def test_nothing_to_list_shows_no_summary():
    assert render_to_string("govuk/error_summary.html", {"form": EveryKindForm()}).strip() == ""
    assert render_to_string("govuk/error_summary.html", {}).strip() == ""


def test_the_summary_of_several_forms():
    class Item(GovukForm):
        text = forms.CharField(label="Text")

    class Record:
        label = "Recommendation 2"

    Formset = forms.formset_factory(Item, extra=0)
    formset = Formset({"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "2", "form-0-text": "x"})
    formset.is_valid()
    record_form = Item({}, prefix="rec-9")
    record_form.is_valid()
    items = error_summary_items(formset, [(Record(), record_form)], [("as_at", "A bad date.")])
    assert items == [
        ErrorItem("Item 2: This field is required.", "id_form-1-text"),
        ErrorItem("Recommendation 2: This field is required.", "id_rec-9-text"),
        ErrorItem("A bad date.", "as_at"),
    ]


def test_the_summary_title_description_and_a_single_message():
    page = summary(
        message="The date is wrong.",
        target="as_at",
        title="There is a problem with the filter",
        description="Nothing is listed until the filter is corrected.",
    )
    assert page.text(page.one("h2")) == "There is a problem with the filter"
    assert page.text(page.one("p", cls="govuk-body")).startswith("Nothing is listed")
    assert page.one("a")["attrs"]["href"] == "#as_at"


def test_the_summary_names_the_field_when_asked():
    form = EveryKindForm({"name": ""})
    form.is_valid()
    page = summary(form=form, field_labels=True)
    assert page.text(page.one("a", href="#id_name")) == "Name: This field is required."


# --- every form page of the register -----------------------------------------------------------

LEAD_OFFICER_URLS = {"action_edit", "action_revise_target", "update_create"}


class TestFormPages(WorldTestCase):
    """Every form page, as it opens and sent with every box empty: one error summary, whose
    links all lead to an input of the page, and the fields drawn by the renderer."""

    def check(self, key: str, client) -> None:
        url = url_for(key, self.w)
        opened = client.get(url)
        assert opened.status_code == 200, (key, opened.status_code)
        html = opened.content.decode()
        assert "govuk-error-summary" not in html, key
        assert 'class="govuk-form-group' in html, key
        refused = client.post(url, page_form(html).blank())
        assert refused.status_code == 200, (key, refused.status_code)
        page = Page(refused.content.decode())
        summary = page.one("div", cls="govuk-error-summary")
        assert page.text(page.one("title")).startswith("Error: "), key
        links = [a["attrs"]["href"] for a in page.inside(summary, "a")]
        assert links, key
        for entry in page.inside(summary, "li"):  # every error here is about a field
            assert page.inside(entry, "a"), (key, page.text(entry))
        assert len(links) == len(page.all("p", cls="govuk-error-message")), key
        for href in links:
            target = page.by_id(href[1:])
            assert target["tag"] in {"input", "select", "textarea"}, (key, href)
        for message in page.all("p", cls="govuk-error-message"):
            error_id = message["attrs"]["id"]
            described = [
                e
                for e in page.elements
                if error_id in e["attrs"].get("aria-describedby", "").split()
            ]
            assert described, (key, error_id)

    def test_every_form_page(self):
        officer = client_for("officer", self.w)
        for key in WRITE_URLS:
            if key.endswith(":others"):
                continue
            with self.subTest(key):
                self.check(key, officer)

    def test_the_lead_officers_form_pages(self):
        lead = client_for("lead_owner", self.w)
        for key in LEAD_OFFICER_URLS:
            with self.subTest(key):
                self.check(key, lead)
