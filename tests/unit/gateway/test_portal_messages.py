"""Every refusal identity words for a form field reaches the page translated."""
import pytest

from gateway.app import create_app
from gateway.portal import messages
from identity import operations, schemas
from tests.unit.gateway.catalogues import compile_catalogues

IDENTITY_FIELD_MESSAGES = [schemas.FILL_IN, schemas.CONTROL_CHARACTERS, schemas.NOT_AN_EMAIL,
                           schemas.PHONE_CHARACTERS, schemas.COUNTRY_CODE,
                           schemas.POSTAL_CODE_CHARACTERS, schemas.WEB_ADDRESS, schemas.RATING,
                           operations.WRONG_PASSWORD]


@pytest.fixture
def spanish_request():
    compile_catalogues()
    app = create_app({"TESTING": True, "SECRET_KEY": "unit", "AMQP_URI": "memory://"})
    with app.test_request_context("/?lang=es"):
        yield


@pytest.mark.parametrize("text", IDENTITY_FIELD_MESSAGES)
def test_each_field_refusal_is_known_and_translated(spanish_request, text):
    shown = messages.field_problem(text)
    assert shown != "Este valor no es válido." and shown != text


def test_refusals_with_numbers_and_unknown_ones(spanish_request):
    assert messages.field_problem(schemas.TOO_LONG.format(max=200)) == \
        "Use como máximo 200 caracteres."
    assert messages.field_problem("Something identity may say one day.") == \
        "Este valor no es válido."
    assert messages.password_problems([operations.SAME_PASSWORD]) == \
        ["Elija una contraseña distinta de la actual."]
    shown, unplaced = messages.field_problems({"city": [schemas.FILL_IN], "section": ["x"]},
                                              ["city", "street"])
    assert shown == {"city": ["Rellene este campo."]} and unplaced


def test_the_sending_limit_says_when_to_write_again(spanish_request):
    assert messages.sending_limit({"retry_after": "2100", "limit": 5, "window": "hour"},
                                  "message") == \
        "Ya ha enviado 5 mensajes en la última hora. Podrá escribir de nuevo dentro de 35 minutos."
    assert messages.sending_limit({"retry_after": "7200", "limit": 20, "window": "day"},
                                  "message") == \
        ("Ya ha enviado 20 mensajes en las últimas 24 horas. Podrá escribir de nuevo dentro "
         "de 2 horas.")
    assert "más tarde" in messages.sending_limit({}, "review")
