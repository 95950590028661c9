"""Links by primary key (scrutiny.links.pk_url) are the URLs reverse() gives."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from scrutiny.links import pk_url


@pytest.mark.parametrize(
    "name", ["recommendation_detail", "review_detail", "meeting_detail", "committee_detail"]
)
@pytest.mark.parametrize("pk", [1, 7, 10, 12345])
def test_the_url_of_a_record_is_what_reverse_gives(name, pk):
    assert pk_url(name, pk) == reverse(name, args=[pk])


def test_a_script_prefix_is_kept():
    try:
        set_script_prefix("/scrutiny/")
        assert pk_url("review_detail", 3) == "/scrutiny/reviews/3/"
    finally:
        set_script_prefix("/")
    assert pk_url("review_detail", 3) == "/reviews/3/"


def test_a_url_name_without_a_key_is_refused_as_reverse_refuses_it():
    with pytest.raises(NoReverseMatch):
        pk_url("recommendation_list", 3)
