"""The committee documents read back from the PDF: the Merton 2016 action plan holds the
July 2017 action plan update (seed 002), in committee-paper layout, as at a date, with
hostile text kept literally, and as an accessible (tagged) PDF."""

import datetime
import io
import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from recommendations.documents import render
from recommendations.documents.content import build_content
from recommendations.documents.spec import DocumentSpec, select_recommendations
from recommendations.models import ActionPlanItem, Recommendation, Update
from reviews.models import Review
from scrutiny.audit import acting_as

SEEDS = Path(__file__).resolve().parent.parent / "recommendations" / "demo" / "seeds.json"
HEADER = ["Recommendation", "Executive response", "Action agreed", "Timeline", "Action owner"]


@pytest.fixture(autouse=True)
def documents_settings(settings, tmp_path):
    """A cache of our own for each test, (background tasks run at once: tests/conftest.py)."""
    settings.CACHES = {
        **settings.CACHES,
        "documents": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"documents-{tmp_path.name}",
        },
    }
    settings.VAR_DIR = tmp_path


def merton_2016() -> Review:
    return Review.objects.get(title="Shared and outsourced services in Merton")


def seed_002_recommendations() -> list[dict]:
    """Merton's 2016 recommendations with the actions and updates of seed 002."""
    data = json.loads(SEEDS.read_text(encoding="utf-8"))
    return next(r for r in data["reviews"] if r["key"] == "merton-2016")["recommendations"]


def pdf_of(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.content[:2000]
    assert response["Content-Type"] == "application/pdf"
    return response.content


def texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def squash(text: str) -> str:
    """Text without any white space: line wrapping in the PDF does not matter."""
    return re.sub(r"\s+", "", text)


def printed(text: str, whole: str, pieces: int = 3) -> bool:
    """Whether ``text`` is in ``whole`` (both squashed) in order, whole or in at most
    ``pieces`` runs: a row that breaks across pages has the page's footer, the next page's
    header and the cells drawn after it between its two parts."""
    rest, position, found = squash(text), 0, 0
    while rest:
        low, high = 0, len(rest)  # the longest start of ``rest`` found after ``position``
        while low < high:
            middle = (low + high + 1) // 2
            if whole.find(rest[:middle], position) >= 0:
                low = middle
            else:
                high = middle - 1
        if low == 0 or found == pieces:
            return False
        position = whole.find(rest[:low], position) + low
        rest, found = rest[low:], found + 1
    return True


def plan_url(review: Review, query: str = "") -> str:
    return f"/documents/reviews/{review.pk}/action-plan.pdf" + (f"?{query}" if query else "")


def test_merton_plan_holds_seed_002_in_order(client, demo, councillor_user):
    client.force_login(councillor_user)
    pdf = pdf_of(client, plan_url(merton_2016(), "as_at=2017-07-06&appendix=Appendix+1"))
    pages = texts(pdf)
    whole = squash("".join(pages))

    # Recommendations 1 to 8, in order, each with its action, timeline and update.
    positions = [whole.find(squash(f"Recommendation {n} (2016/17 R{n})")) for n in range(1, 9)]
    assert all(p >= 0 for p in positions), positions
    assert positions == sorted(positions)
    for rec in seed_002_recommendations():
        (action,) = rec["actions"]
        (update,) = action["updates"]
        assert printed(rec["text"], whole), rec["number"]
        if action["action"]:
            assert printed(action["action"], whole), rec["number"]
        assert squash(action["timeline"]) in whole, rec["number"]
        assert printed(update["text"], whole), rec["number"]
    # Phrases straight from the council's paper.
    assert printed("A process for 'make or buy' reviews will be made available", whole)
    assert squash("TBC with Head of Democratic Services") in whole
    assert squash("Ongoing to mid 2018 June 2017") in whole

    # The front matter, the page numbers and the position in the footer.
    first = pages[0]
    assert "Appendix 1" in first
    assert "Shared and outsourced services in Merton: executive response and action plan" in (
        " ".join(first.split())
    )
    assert f"Page 1 of {len(pages)}" in first
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "Position as at 6 July 2017" in page
    # The table starts on page 2, landscape, and its header row is on every table page.
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.pages[0].mediabox.width < reader.pages[0].mediabox.height
    assert len(pages) >= 3
    for number in range(2, len(pages) + 1):
        page = reader.pages[number - 1]
        assert page.mediabox.width > page.mediabox.height, number
        words = " ".join(pages[number - 1].split())
        assert all(heading in words for heading in HEADER), number
    # Statuses in words, and the key on the front page with the summary.
    flat = [" ".join(page.split()) for page in pages]
    assert "Acceptable progress" in flat[1]
    assert "Achieved" in flat[-2] or "Achieved" in flat[-1]
    assert "SUMMARY OF PROGRESS AND STATUS KEY" in flat[0]
    assert "Achieved: monitoring no longer needed" in flat[0]


def test_a_block_is_not_split_across_pages_when_it_fits(client, demo, councillor_user):
    """A block shorter than a third of a page is kept whole on one page; a taller one may
    break (see test_a_row_that_breaks_says_continued_on_the_next_page)."""
    client.force_login(councillor_user)
    review = merton_2016()
    pages = [squash(t) for t in texts(pdf_of(client, plan_url(review, "as_at=2017-07-06")))]
    spec = DocumentSpec(kind="action_plan", review_id=review.pk, as_at=datetime.date(2017, 7, 6))
    blocks = build_content(spec, select_recommendations(spec))["blocks"]
    short = [block for block in blocks if not block.long]
    assert short, "the Merton plan has short blocks"
    for block in short:
        update = squash(block.first_row.updates[0].plain)
        holding = [n for n, page in enumerate(pages) if update in page]
        assert len(holding) == 1, (block.number, holding)
        assert squash(f"Recommendation {block.number} (2016/17") in pages[holding[0]]


def test_as_at_a_date_leaves_out_later_updates_and_edits(client, demo, councillor_user):
    client.force_login(councillor_user)
    rec = Recommendation.objects.get(reference="2016/17 R2")
    update = rec.updates.get()
    original = update.text
    with acting_as(councillor_user):
        update.text = "Edited in 2026: the guiding principles were withdrawn."
        update.save(reason="Correction")
        Update(
            recommendation=rec,
            action=rec.actions.get(),
            date=datetime.date(2017, 9, 14),
            text="September 2017: CMT signed off the complete pack.",
        ).save()

    as_at = squash("".join(texts(pdf_of(client, plan_url(rec.review, "as_at=2017-07-06")))))
    assert printed(original, as_at)
    assert squash("Edited in 2026") not in as_at
    assert squash("September 2017: CMT signed off") not in as_at

    now = squash("".join(texts(pdf_of(client, plan_url(rec.review)))))
    assert squash("September 2017: CMT signed off the complete pack.") in now
    assert not printed(original, now)  # the latest update is shown: September's


def test_hostile_text_is_printed_literally(client, demo, councillor_user):
    client.force_login(councillor_user)
    rec = Recommendation.objects.get(reference="2016/17 R3")
    long_text = " ".join(f"w{i:04d}" for i in range(2000))  # 10,000 characters, one update
    assert len(long_text) >= 9999
    hostile = (
        "<script>alert('x')</script> <b>not bold</b> &amp; Gŵyl Ddewi, tŷ, Ŵ Ŷ; "
        "smile 🙂 grin 😀 thumbs 👍 \x07bell"
    )
    with acting_as(councillor_user):
        rec.text = "That the council <i>publishes</i> {{ template }} {% tag %} ŵ ŷ"
        rec.save()
        Update(recommendation=rec, date=datetime.date(2017, 7, 5), text=long_text).save()
        Update(
            recommendation=rec,
            action=rec.actions.get(),
            date=datetime.date(2017, 7, 6),
            text=hostile,
        ).save()
    pdf = pdf_of(client, plan_url(rec.review))
    pages = texts(pdf)
    whole = " ".join(" ".join(pages).split())
    assert "<script>alert('x')</script>" in whole
    assert "<b>not bold</b> &amp; Gŵyl Ddewi, tŷ, Ŵ Ŷ" in whole
    for emoji in "🙂😀👍":
        assert emoji in whole
    assert "\x07" not in whole and "bell" in whole
    assert squash("<i>publishes</i> {{ template }} {% tag %} ŵ ŷ") in squash(whole)
    # Every word of the long update, in order, across the pages it runs over.
    words = re.findall(r"w\d{4}", whole)
    assert words == [f"w{i:04d}" for i in range(2000)]
    holding = [n for n, page in enumerate(pages) if "w1000" in page or "w0000" in page]
    assert holding and pages[holding[0]].count("w") > 0
    spread = {n for n, page in enumerate(pages) if re.search(r"w\d{4}", page)}
    assert len(spread) >= 2  # a block longer than a page is split, not cut off
    # No character fell back to the .notdef glyph: every font is embedded with an
    # identity encoding and a ToUnicode map.
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            assert font["/Encoding"] == "/Identity-H", font["/BaseFont"]
            assert "/ToUnicode" in font


def _struct_tags(node, found: set) -> None:
    node = node.get_object()
    if isinstance(node, dict):
        if "/S" in node:
            found.add(node["/S"])
        kids = node.get("/K")
        if kids is not None:
            kids = kids.get_object()
            for kid in kids if isinstance(kids, list) else [kids]:
                if hasattr(kid, "get_object") and isinstance(kid.get_object(), dict):
                    _struct_tags(kid, found)


def test_pdf_is_tagged_with_language_title_and_embedded_fonts(client, demo, councillor_user):
    client.force_login(councillor_user)
    pdf = pdf_of(client, plan_url(merton_2016(), "as_at=2017-07-06&appendix=Appendix+1"))
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert str(root["/ViewerPreferences"]["/DisplayDocTitle"]).lower() == "true"
    assert reader.metadata.title.startswith(
        "Appendix 1: Shared and outsourced services in Merton: executive response and action plan"
    )
    xmp = root["/Metadata"].get_object().get_data()
    assert b"pdfuaid" in xmp and b"Shared and outsourced services in Merton" in xmp
    tags: set = set()
    _struct_tags(root["/StructTreeRoot"], tags)
    for tag in ("/Document", "/H1", "/H2", "/P", "/Table", "/THead", "/TR", "/TH", "/TD"):
        assert tag in tags, (tag, tags)
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor
    # Real text throughout (no page is an image).
    assert all(len(text.strip()) > 50 for text in texts(pdf))


def test_padding_gives_an_even_number_of_pages(client, demo, councillor_user):
    client.force_login(councillor_user)
    review = merton_2016()
    plain = texts(pdf_of(client, plan_url(review, "as_at=2017-07-06")))
    padded = texts(pdf_of(client, plan_url(review, "as_at=2017-07-06&pad=1")))
    assert len(padded) % 2 == 0
    if len(plain) % 2:
        assert len(padded) == len(plain) + 1
        assert "This page is intentionally left blank" in padded[-1]
        assert f"Page {len(padded)} of {len(padded)}" in padded[-1]
    else:
        assert len(padded) == len(plain)


def test_padding_adds_a_page_only_to_an_odd_count():
    def page(count: int, blank: bool = False) -> str:
        body = "".join(f"<p style='break-before: page'>Page {n}</p>" for n in range(count))
        if blank:
            body += "<p style='break-before: page'>This page is intentionally left blank</p>"
        return f"<html lang='en-GB'><title>T</title><body>{body}</body></html>"

    one = render.html_to_pdf(page(1), pad_to_even=True, padded_html=lambda: page(1, True))
    two = render.html_to_pdf(page(2), pad_to_even=True, padded_html=lambda: page(2, True))
    assert (one.pages, two.pages) == (2, 2)


def test_a_character_no_font_has_gets_a_glyph_of_its_own():
    missing = render.characters_without_glyph("Gŵyl 🙂 👍 ✅ tŷ \u200d\ufe0f")
    assert 0x1F642 in missing and 0x1F44D in missing
    assert ord("ŵ") not in missing and 0x200D not in missing and 0xFE0F not in missing
    font = render.fallback_font(missing)
    assert font[:4] == b"\x00\x01\x00\x00"  # a TrueType font


def test_a_document_with_no_recommendations_still_renders(client, demo, councillor_user):
    client.force_login(councillor_user)
    county = Review.objects.get(title="Shared services review group (county council)")
    pages = texts(pdf_of(client, plan_url(county)))
    assert "There are no recommendations to report" in " ".join(pages)


def test_spec_round_trips_through_its_url_and_json():
    spec = DocumentSpec(
        kind="tracker",
        filters=(("status", "on_track"), ("q", "shared services")),
        as_at=datetime.date(2017, 7, 6),
        include_closed=True,
        pad_to_even=True,
        to_meeting_id=4,
        agenda_item_id=9,
        appendix_label="Appendix 2",
        wards="Abbey; Cannon Hill",
    )
    assert DocumentSpec.from_json(spec.to_json()) == spec
    assert spec.url().startswith("/documents/recommendations.pdf?status=on_track&q=shared+services")
    assert "as_at=2017-07-06" in spec.url() and "appendix=Appendix+2" in spec.url()


def test_closed_recommendations_are_left_out_unless_asked_for(client, demo, councillor_user):
    from reviews.models import Meeting

    client.force_login(councillor_user)
    rec = Recommendation.objects.get(reference="2016/17 R7")
    meeting = Meeting.objects.get(date="2017-07-06")
    from recommendations.services import recommendation_close

    recommendation_close(
        recommendation=rec, meeting=meeting, minute_reference="12", user=councillor_user
    )
    review = rec.review
    without = squash("".join(texts(pdf_of(client, plan_url(review)))))
    with_closed = squash("".join(texts(pdf_of(client, plan_url(review, "include_closed=1")))))
    assert squash("Recommendation 7 (2016/17 R7)") not in without
    assert squash("Recommendation 7 (2016/17 R7)") in with_closed
    assert "Closed" in "".join(texts(pdf_of(client, plan_url(review, "include_closed=1"))))
    # As at a day before the closure it was open, so it is shown.
    before = squash("".join(texts(pdf_of(client, plan_url(review, "as_at=2017-07-05")))))
    assert squash("Recommendation 7 (2016/17 R7)") in before


def test_actions_keep_the_slippage_of_their_target_date(client, demo, councillor_user):
    from recommendations.services import action_revise_target_date

    client.force_login(councillor_user)
    action = ActionPlanItem.objects.get(recommendation__reference="2016/17 R2")
    action_revise_target_date(
        action=action, new_date=datetime.date(2017, 12, 31), reason="Waiting for CIPFA", user=None
    )
    whole = " ".join(" ".join(texts(pdf_of(client, plan_url(merton_2016())))).split())
    assert "Target date: 31 December 2017" in whole
    assert "Target revised once, 6 months later than first agreed" in whole
