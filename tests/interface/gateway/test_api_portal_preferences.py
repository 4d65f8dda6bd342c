"""The portal preferences staff turn on: sales orders and projects/timesheets, off by default,
each organization its own."""
from tests.interface.gateway.conftest import Api, new_organization

OFF = {"show_sales_orders": False, "show_projects_and_timesheets": False}


def test_both_sections_are_off_for_a_new_organization(api):
    answer = api.get("/portal-preferences")
    assert answer.status_code == 200
    assert answer.json == OFF


def test_only_the_preference_given_changes_and_stays_changed(api):
    changed = api.patch("/portal-preferences", json={"show_sales_orders": True})
    assert changed.status_code == 200
    assert changed.json == {**OFF, "show_sales_orders": True}
    again = api.patch("/portal-preferences", json={"show_projects_and_timesheets": True})
    assert again.json == {"show_sales_orders": True, "show_projects_and_timesheets": True}
    off = api.patch("/portal-preferences", json={"show_sales_orders": False})
    assert off.json == {"show_sales_orders": False, "show_projects_and_timesheets": True}
    assert api.get("/portal-preferences").json == off.json


def test_bad_values_and_unknown_fields_are_refused_with_nothing_changed(api):
    for body, code in (({"show_sales_orders": "perhaps"}, "validation_failed"),
                       ({"show_quotes": True}, "validation_failed"),
                       (["show_sales_orders"], "invalid_body")):
        refused = api.patch("/portal-preferences", json=body)
        assert refused.status_code == 400, body
        assert refused.json["error"]["code"] == code
    assert api.get("/portal-preferences").json == OFF


def test_one_organization_does_not_change_another(app, client, api):
    other = Api(client, new_organization(app, "Otra Empresa")["api_key"])
    assert other.patch("/portal-preferences",
                       json={"show_sales_orders": True}).status_code == 200
    assert api.get("/portal-preferences").json == OFF
    assert client.get("/api/v1/portal-preferences").status_code == 401
