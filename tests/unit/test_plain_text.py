"""Comments and reasons are plain text: markup is refused with a message, prose is not."""
import pytest
from marshmallow import ValidationError

from portal_common.text import MARKUP_MESSAGE, has_markup, reject_markup


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>", "</b>", "<!-- hidden -->", "<img src=x onerror=alert(1)>",
    "see javascript:alert(1)", "JavaScript : void(0)", "<B>bold</B>"])
def test_markup_is_refused_with_the_message(text):
    assert has_markup(text)
    with pytest.raises(ValidationError) as refused:
        reject_markup(text)
    assert refused.value.messages == [MARKUP_MESSAGE]


@pytest.mark.parametrize("text", [
    "a < b and c > d", "1<2", "I <3 this offer", "precio -> 10 €", "", "Línea 1\nLínea 2"])
def test_prose_with_angle_brackets_passes(text):
    assert not has_markup(text)
    reject_markup(text)
