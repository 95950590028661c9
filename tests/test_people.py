"""Issue 11, points 7 and 8: who wrote an update, apart from who typed it in; and the people
and agendas scrutiny officers keep (officers, partner organisations and their contacts,
councillors, a meeting's agenda items), each with a list, a form and history, driven through
the pages as a browser would."""

import datetime
import io

from django.contrib.auth.models import User
from django.urls import reverse
from pypdf import PdfReader

from recommendations.models import Recommendation, Update
from reviews.models import AgendaItem, Councillor, Meeting, Officer, PartnerOrganisation

from .test_forms import FormTestCase
from .test_permissions import changed, client_for, page_form, snapshot


def ged_curran() -> Officer:
    return Officer.objects.get(name="Ged Curran")


# --- point 7: who wrote an update ---------------------------------------------------------------


class TestUpdateAuthor(FormTestCase):
    def setUp(self):
        super().setUp()
        # The scrutiny officer of the demonstration (Julia Regan's account).
        self.julia = User.objects.get(username="officer")
        self.client = client_for("officer", self.w)
        self.client.force_login(self.julia)

    def post_update(self, changes: dict, client=None):
        r2 = Recommendation.objects.get(reference="2016/17 R2")
        url = reverse("update_create", args=[r2.pk])
        base = {"action": str(r2.actions.get().pk), "text": "Ged's update, sent by email."}
        return self.send(url, {**base, **changes}, client=client)

    def test_the_form_offers_the_users_own_officer_record_first(self):
        r2 = Recommendation.objects.get(reference="2016/17 R2")
        form = page_form(self.client.get(reverse("update_create", args=[r2.pk])).content)
        julia = Officer.objects.get(name="Julia Regan")
        assert form.data()["author"] == str(julia.pk)
        assert str(ged_curran().pk) in form.options("author")

    def test_an_update_typed_by_the_scrutiny_officer_is_its_authors(self):
        """The bug: Ged Curran's update, entered by the scrutiny officer, was recorded (and
        printed) as hers. Now the author is who the form names; she is who entered it."""
        response = self.post_update({"author": str(ged_curran().pk)})
        self.assert_saved(response, "Posted the update.")
        update = Update.objects.get(text="Ged's update, sent by email.")
        assert update.author == ged_curran()
        assert update.entered_by == self.julia
        assert update.history.get().history_user == self.julia
        html = response.content.decode()
        assert "by Ged Curran (entered by Julia Regan)" in html

    def test_an_update_by_its_author_does_not_say_entered_by(self):
        response = self.post_update({})  # the author offered: her own record
        self.assert_saved(response, "Posted the update.")
        update = Update.objects.get(text="Ged's update, sent by email.")
        assert update.author.name == "Julia Regan" and update.entered_by == self.julia
        html = response.content.decode()
        byline = html.split(f'id="update-{update.pk}"', 1)[1].split("</p>", 1)[0]
        assert byline.endswith("by Julia Regan")

    def test_a_partners_contact_is_named_with_the_organisation(self):
        partner = PartnerOrganisation.objects.get(name="Achieving for Children")
        contact = Officer(name="Ian Dodds", job_title="Director of Children's Services")
        contact.partner = partner
        contact.save()
        response = self.post_update({"author": str(contact.pk)})
        self.assert_saved(response, "Posted the update.")
        assert "by Ian Dodds, Achieving for Children (entered by Julia Regan)" in (
            response.content.decode()
        )

    def test_a_lead_officer_posts_as_themselves_whatever_is_sent(self):
        """A lead officer is not offered the author: a tampered submission naming another
        officer still records the lead officer's own record."""
        lead = client_for("lead_owner", self.w)
        r2 = Recommendation.objects.get(reference="2016/17 R2")
        form = page_form(lead.get(reverse("update_create", args=[r2.pk])).content)
        assert "author" not in form.names()
        response = self.post_update({"author": str(ged_curran().pk)}, client=lead)
        self.assert_saved(response, "Posted the update.")
        update = Update.objects.get(text="Ged's update, sent by email.")
        assert update.author.name == "Sophie Ellis"
        assert update.entered_by.username == "leadofficer"

    def test_an_author_that_does_not_exist_is_refused_and_nothing_changes(self):
        before = snapshot()
        response = self.post_update({"author": "999999"})
        self.assert_refused(response)
        assert not changed(before, snapshot())

    def test_the_demonstration_update_of_july_2017_is_ged_currans(self):
        """The demonstration data: the action plan update to the Commission on 6 July 2017 is
        the report of its lead officer, Ged Curran, entered by the scrutiny officer."""
        updates = Update.objects.filter(date=datetime.date(2017, 7, 6))
        assert updates.count() == 8
        assert {(u.author.name, u.entered_by.username) for u in updates} == {
            ("Ged Curran", "officer")
        }
        r1 = Recommendation.objects.get(reference="2016/17 R1")
        html = self.client.get(r1.get_absolute_url()).content.decode()
        assert "by Ged Curran (entered by Julia Regan)" in html
        as_at = self.client.get(r1.get_absolute_url() + "?as_at=2017-07-06").content.decode()
        assert "by Ged Curran (entered by Julia Regan)" in as_at


def test_the_action_plan_prints_the_author_not_who_entered_it(
    client, demo, councillor_user, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    client.force_login(councillor_user)
    review = Recommendation.objects.get(reference="2016/17 R1").review
    response = client.get(f"/documents/reviews/{review.pk}/action-plan.pdf")
    assert response.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "6 July 2017, Ged Curran" in " ".join(text.split())
    assert "Julia Regan" not in text.split("Action agreed", 1)[1]


# --- point 8: people and agendas ---------------------------------------------------------------


class TestOfficers(FormTestCase):
    def test_add_an_officer_and_see_them_in_the_list_with_whether_they_sign_in(self):
        response = self.send(
            reverse("officer_create"),
            {
                "name": "Asha Patel",
                "job_title": "Head of Procurement",
                "department": "Finance",
                "email": "asha.patel@merton.gov.uk",
                "phone": "020 8545 3000",
            },
        )
        self.assert_saved(response, "Saved Asha Patel.")
        asha = Officer.objects.get(name="Asha Patel")
        assert asha.department == "Finance" and asha.partner is None and not asha.signs_in
        assert asha.history.get().history_user.username == "so-m"
        listing = self.client.get(reverse("officer_list") + "?q=Procurement").content.decode()
        assert "Asha Patel" in listing and "Ged Curran" not in listing
        row = listing.split(f'id="officer-{asha.pk}"', 1)[1].split("</tr>", 1)[0]
        assert "Finance" in row and '<td class="govuk-table__cell">No</td>' in row
        sophie = self.client.get(reverse("officer_list") + "?q=Sophie").content.decode()
        assert '<td class="govuk-table__cell">Yes</td>' in sophie

    def test_an_officers_form_has_no_account_field(self):
        """Whether someone signs in (their account) stays with administrators: a submission
        naming a user changes nothing about the account."""
        url = reverse("officer_edit", args=[ged_curran().pk])
        form = page_form(self.client.get(url).content)
        assert "user" not in form.names()
        data = {**form.data(), "user": str(self.w.users["admin"]), "job_title": "Chief Exec"}
        response = self.client.post(url, data, follow=True)
        self.assert_saved(response, "Saved Ged Curran.")
        assert ged_curran().user_id is None and ged_curran().job_title == "Chief Exec"

    def test_a_bad_email_is_refused_and_nothing_changes(self):
        before = snapshot()
        response = self.send(
            reverse("officer_edit", args=[ged_curran().pk]), {"email": "not an address"}
        )
        self.assert_refused(response, "Enter a valid email address.")
        assert not changed(before, snapshot())

    def test_a_stale_edit_is_refused_with_both_versions_shown(self):
        url = reverse("officer_edit", args=[ged_curran().pk])
        data = page_form(self.client.get(url).content).data()
        ged = ged_curran()
        ged.phone = "020 8545 3332"
        ged.save(reason="Someone else")
        before = snapshot()
        response = self.client.post(url, {**data, "phone": "020 8545 9999"})
        assert response.status_code == 409
        html = response.content.decode()
        assert "020 8545 3332" in html and "020 8545 9999" in html
        assert not changed(before, snapshot())

    def test_the_history_shows_each_change_with_its_reason(self):
        url = reverse("officer_edit", args=[ged_curran().pk])
        response = self.send(
            url, {"department": "Corporate Services", "change_reason": "Restructure"}
        )
        self.assert_saved(response, "Saved Ged Curran.")
        html = self.client.get(reverse("officer_history", args=[ged_curran().pk])).content
        html = html.decode()
        assert "Restructure" in html and "Corporate Services" in html
        assert "Chief Executive&#x27;s Office" in html  # the old value


class TestPartners(FormTestCase):
    def test_add_a_partner_and_a_contact_from_its_card(self):
        response = self.send(
            reverse("partner_create"),
            {"name": "St George's University Hospitals NHS Trust", "kind": "health"},
        )
        self.assert_saved(response, "Saved St George")
        partner = PartnerOrganisation.objects.get(name__startswith="St George")
        add_contact = reverse("officer_create") + f"?partner={partner.pk}"
        assert add_contact.replace("&", "&amp;") in response.content.decode()
        form = page_form(self.client.get(add_contact).content)
        assert form.data()["partner"] == str(partner.pk)
        response = self.send(
            add_contact, {"name": "Jacqueline Totterdell", "job_title": "Chief Executive"}
        )
        self.assert_saved(response, "Saved Jacqueline Totterdell.")
        contact = Officer.objects.get(name="Jacqueline Totterdell")
        assert contact.partner == partner
        listing = self.client.get(reverse("partner_list")).content.decode()
        card = listing.split(f'id="partner-{partner.pk}"', 1)[1].split('id="partner-', 1)[0]
        assert "NHS or health body" in card and "Jacqueline Totterdell" in card

    def test_a_second_partner_of_the_same_name_is_refused_and_nothing_changes(self):
        before = snapshot()
        response = self.send(
            reverse("partner_create"), {"name": "Achieving for Children", "kind": "other"}
        )
        self.assert_refused(response, "There is already a partner organisation with this name.")
        assert not changed(before, snapshot())

    def test_a_partner_with_contacts_shows_them_and_its_history(self):
        partner = PartnerOrganisation.objects.get(name="Achieving for Children")
        response = self.send(
            reverse("partner_edit", args=[partner.pk]),
            {"kind": "council", "change_reason": "It is a council company"},
        )
        self.assert_saved(response, "Saved Achieving for Children.")
        html = self.client.get(reverse("partner_history", args=[partner.pk])).content.decode()
        assert "It is a council company" in html and "Another council" in html
        assert "Shared service or council company" in html


class TestCouncillors(FormTestCase):
    def test_add_and_edit_a_councillor(self):
        response = self.send(
            reverse("councillor_create"),
            {"name": "Sally Kenny", "role": "Cabinet Member for Education", "ward": "Graveney"},
        )
        self.assert_saved(response, "Saved Councillor Sally Kenny.")
        sally = Councillor.objects.get(name="Sally Kenny")
        response = self.send(reverse("councillor_edit", args=[sally.pk]), {"party": "Labour"})
        self.assert_saved(response, "Saved Councillor Sally Kenny.")
        listing = self.client.get(reverse("councillor_list") + "?q=Graveney").content.decode()
        assert "Sally Kenny" in listing and "Labour" in listing
        assert "Peter Southgate" not in listing
        history = self.client.get(reverse("councillor_history", args=[sally.pk])).content
        assert "Labour" in history.decode()

    def test_a_councillor_without_a_name_is_refused(self):
        before = snapshot()
        response = self.send(reverse("councillor_create"), {"name": " ", "role": "Member"})
        self.assert_refused(response, "This field is required.")
        assert not changed(before, snapshot())

    def test_councillors_read_the_lists_but_cannot_change_them(self):
        councillor = client_for("councillor", self.w)
        listing = councillor.get(reverse("councillor_list")).content.decode()
        assert "Peter Southgate" in listing and "Add a councillor" not in listing
        southgate = Councillor.objects.get(name="Peter Southgate")
        before = snapshot()
        url = reverse("councillor_edit", args=[southgate.pk])
        assert councillor.post(url, {"name": "Changed", "version": "1"}).status_code == 403
        assert not changed(before, snapshot())


class TestAgendaItems(FormTestCase):
    def meeting(self) -> Meeting:
        return Meeting.objects.get(pk=self.w.july_2017)

    def test_add_an_agenda_item_from_the_meeting_page(self):
        page = self.client.get(self.meeting().get_absolute_url()).content.decode()
        add = reverse("agenda_item_create", args=[self.w.july_2017])
        assert add in page
        response = self.send(add, {"reference": "7", "title": "Work programme 2017/18"})
        self.assert_saved(response, "Saved Agenda item 7: Work programme 2017/18.")
        item = AgendaItem.objects.get(title="Work programme 2017/18")
        assert item.meeting == self.meeting()
        assert f'id="agenda-item-{item.pk}"' in response.content.decode()
        assert reverse("agenda_item_history", args=[item.pk]) in response.content.decode()

    def test_a_number_used_at_the_meeting_is_refused_and_nothing_changes(self):
        add = reverse("agenda_item_create", args=[self.w.july_2017])
        self.assert_saved(self.send(add, {"reference": "4", "title": "First"}), "Saved")
        before = snapshot()
        response = self.send(add, {"reference": "4", "title": "Second"})
        self.assert_refused(response, "This meeting already has an agenda item with that number.")
        assert not changed(before, snapshot())

    def test_edit_an_agenda_item_with_its_history(self):
        item = AgendaItem.objects.get(meeting_id=self.w.july_2017)
        response = self.send(
            reverse("agenda_item_edit", args=[item.pk]),
            {"reference": "5", "change_reason": "Numbered as in the published agenda"},
        )
        self.assert_saved(response, "Saved Agenda item 5")
        html = self.client.get(reverse("agenda_item_history", args=[item.pk])).content.decode()
        assert "Numbered as in the published agenda" in html


def test_a_scrutiny_officer_keeps_the_committees_a_councillor_sits_on(client, demo, officer_user):
    """The councillor's dashboard reads the committees they sit on: the councillor form keeps
    them, in one history row with the councillor's record, for a new councillor too."""
    from reviews.models import Committee

    osc = Committee.objects.get(name="Merton Overview and Scrutiny Commission")
    client.force_login(officer_user)
    response = client.post(
        reverse("councillor_create"),
        {"name": "Ann New", "role": "Member", "committees": [osc.pk]},
    )
    assert response.status_code == 302
    ann = Councillor.objects.get(name="Ann New")
    assert list(ann.committees.all()) == [osc]
    assert list(ann.history.first().committees.values_list("committee_id", flat=True)) == [osc.pk]

    url = reverse("councillor_edit", args=[ann.pk])
    data = {"name": "Ann New", "role": "Member", "version": ann.version, "committees": []}
    assert client.post(url, {**data, "change_reason": "Left the Commission"}).status_code == 302
    assert not Councillor.objects.get(pk=ann.pk).committees.exists()
    assert Councillor.objects.get(pk=ann.pk).history.first().history_change_reason == (
        "Left the Commission"
    )
