"""Timesheet approvals in the portal against real identity and timesheets: hidden (404, no
menu entry) until the organization shows projects and timesheets; the list filtered by
status; one approval (first view, entries, totals); Approve; Reject with a required reason;
deciding twice; comments; and nothing of another customer or organization reachable."""
import re

import eventlet
import pytest

from .billing_api import created, other_organization
from .conftest import create_customer, csrf_token, invite_and_accept
from .timesheets_api import decide, entry, project, show_projects, submit, task


def text(response) -> str:
    return response.get_data(as_text=True)


def numbers_in(html: str) -> list[str]:
    return re.findall(r'<a href="/portal/[^/]+/timesheets/[^"]+">(TS-\d+)</a>', html)


def approval_of(api, approval) -> dict:
    response = api.get(f"/timesheet-approvals/{approval['id']}")
    assert response.status_code == 200, response.json
    return response.json


@pytest.fixture
def marta(api, client, org):
    customer = create_customer(api)
    return customer, invite_and_accept(api, client, org, customer, customer["contacts"][0])


@pytest.fixture
def work(api, marta):
    """Marta's project with a task and three entries (1.50 + 2.25 billable, 0.50 not)."""
    customer, _portal = marta
    show_projects(api)
    site = project(api, customer, "Reforma de oficinas")
    plumbing = task(api, site, "Fontanería")
    meeting = task(api, site, "Reuniones", billable=False)
    entries = [entry(api, site, plumbing, "1.50", notes="Cambio de válvula"),
               entry(api, site, plumbing, "2.25", date="2026-03-04", notes="Desagüe"),
               entry(api, site, meeting, "0.50", date="2026-03-03", notes="Coordinación")]
    return site, entries


@pytest.fixture
def pending(api, work):
    site, entries = work
    return submit(api, site, entries)


@pytest.fixture
def strangers(app, api, client, org):
    """A pending approval of another customer of the organization and one of another
    organization."""
    other = create_customer(api, "Carpintería Robles")
    theirs_project = project(api, other, "Proyecto secreto Robles")
    theirs = submit(api, theirs_project,
                    [entry(api, theirs_project, task(api, theirs_project, "Ebanistería"),
                           "7.00", notes="Mesa de roble")])
    elsewhere = other_organization(app, client)
    show_projects(elsewhere)
    far_project = project(elsewhere, create_customer(elsewhere, "Cliente Lejano"), "Lejano")
    far = submit(elsewhere, far_project,
                 [entry(elsewhere, far_project, task(elsewhere, far_project, "Secreto"),
                        "8.00", notes="Servicio secreto")])
    return {"same_org": (api, theirs), "other_org": (elsewhere, far)}


# --- the preference -----------------------------------------------------------------------

def test_off_every_route_is_404_and_not_in_the_menu(api, marta, pending):
    _customer, portal = marta
    show_projects(api, on=False)
    home = text(portal.get("/"))
    assert "/timesheets" not in home and "Hojas de horas" not in home
    token = csrf_token(home)
    base = f"{portal.base}/timesheets"
    for path in (base, f"{base}/{pending['id']}"):
        assert portal.client.get(path).status_code == 404, path
    for action in ("approve", "reject", "comments"):
        posted = portal.client.post(f"{base}/{pending['id']}/{action}",
                                    data={"csrf_token": token, "reason": "x", "body": "x"})
        assert posted.status_code == 404, action
    after = approval_of(api, pending)
    assert (after["status"], after["first_viewed_at"], after["comments"]) == \
        ("pending", None, [])

    show_projects(api)
    home = text(portal.get("/"))
    assert f'href="{portal.base}/timesheets">Hojas de horas</a>' in home
    assert portal.get("/timesheets").status_code == 200


# --- the list -----------------------------------------------------------------------------

def test_the_list_filters_by_status(app, api, org, marta, work, strangers):
    customer, portal = marta
    site, entries = work
    first = submit(api, site, [entries[0]])
    second = submit(api, site, [entries[1]])
    third = submit(api, site, [entries[2]])
    decide(app, org, customer, first)
    decide(app, org, customer, second, "reject", reason="Demasiadas horas")

    def listed(query=""):
        response = portal.get(f"/timesheets{query}")
        assert response.status_code == 200, query
        return response, set(numbers_in(text(response)))

    response, shown = listed()
    assert shown == {first["number"], second["number"], third["number"]}
    html = text(response)
    assert "Reforma de oficinas" in html and "Pendiente de aprobación" in html
    assert "Aprobada" in html and "Rechazada" in html
    assert "Proyecto secreto" not in html and "Lejano" not in html
    assert '<select id="filter-status" name="status">' in html
    assert listed("?status=pending")[1] == {third["number"]}
    assert listed("?status=approved")[1] == {first["number"]}
    assert listed("?status=rejected")[1] == {second["number"]}
    chosen = text(portal.get("/timesheets?status=approved"))
    assert '<option value="approved" selected>' in chosen
    assert portal.get("/timesheets?status=billed").status_code == 400


def test_empty_states(api, marta, work):
    _customer, portal = marta
    assert "No tiene hojas de horas que aprobar." in text(portal.get("/timesheets"))
    site, entries = work
    submit(api, site, entries)
    html = text(portal.get("/timesheets?status=rejected"))
    assert "Ninguna hoja de horas tiene este estado." in html


# --- one approval -------------------------------------------------------------------------

def test_the_approval_shows_entries_and_totals_and_the_first_view_is_recorded(api, marta,
                                                                              pending):
    _customer, portal = marta
    assert approval_of(api, pending)["first_viewed_at"] is None
    response = portal.get(f"/timesheets/{pending['id']}")
    assert response.status_code == 200
    html = text(response)
    for shown in (pending["number"], "Reforma de oficinas", "Cambio de válvula", "Desagüe",
                  "Coordinación", "Fontanería", "1,50", "2,25", "0,50",
                  "Pendiente de aprobación", "Aprobar", "Rechazar"):
        assert shown in html, shown
    assert re.search(r'class="num approval-total">4,25<', html)
    assert "3,75" in html  # billable hours
    first_view = approval_of(api, pending)["first_viewed_at"]
    assert first_view is not None
    assert portal.get(f"/timesheets/{pending['id']}").status_code == 200
    assert approval_of(api, pending)["first_viewed_at"] == first_view
    english = text(portal.get(f"/timesheets/{pending['id']}?lang=en"))
    assert "Total hours" in english and "Why are you rejecting it?" in english


def test_approve(api, marta, pending):
    _customer, portal = marta
    path = f"/timesheets/{pending['id']}"
    approved = portal.post_form(f"{path}/approve", {}, page=path)
    assert approved.status_code == 302
    assert approved.headers["Location"] == f"{portal.base}{path}"
    after = approval_of(api, pending)
    assert (after["status"], after["decided_by_name"]) == ("approved", "Marta Ibáñez")
    html = text(portal.get(path))
    assert "Ha aprobado esta hoja de horas. ¡Gracias!" in html
    assert "Aprobada por Marta Ibáñez" in html
    assert f'action="{portal.base}{path}/approve"' not in html  # no more forms


def test_reject_needs_a_reason(api, marta, pending):
    _customer, portal = marta
    path = f"/timesheets/{pending['id']}"
    for reason in ("", "   "):
        refused = portal.post_form(f"{path}/reject", {"reason": reason}, page=path)
        assert refused.status_code == 400
        assert "Escriba el motivo del rechazo" in text(refused)
    markup = portal.post_form(f"{path}/reject", {"reason": "<b>no</b>"}, page=path)
    assert markup.status_code == 400
    assert "&lt;b&gt;no&lt;/b&gt;" in text(markup)  # the text is kept, escaped
    assert approval_of(api, pending)["status"] == "pending"

    rejected = portal.post_form(f"{path}/reject", {"reason": "El día 4 fueron 2 horas."},
                                page=path)
    assert rejected.status_code == 302
    after = approval_of(api, pending)
    assert (after["status"], after["rejection_reason"], after["decided_by_name"]) == \
        ("rejected", "El día 4 fueron 2 horas.", "Marta Ibáñez")
    html = text(portal.get(path))
    assert "Ha rechazado esta hoja de horas." in html
    assert "Rechazada por Marta Ibáñez" in html and "El día 4 fueron 2 horas." in html


def test_deciding_twice_is_a_409_page_naming_who_decided(api, client, org, marta, pending):
    customer, portal = marta
    path = f"/timesheets/{pending['id']}"
    token = csrf_token(text(portal.get(path)))  # the page as it was, with its forms
    assert portal.post_form(f"{path}/approve", {}, page=path).status_code == 302

    for action, data in (("approve", {}), ("reject", {"reason": "Tarde"}),
                         ("reject", {"reason": ""})):
        again = portal.client.post(f"{portal.base}{path}/{action}",
                                   data={**data, "csrf_token": token})
        assert again.status_code == 409, action
        html = text(again)
        assert "Esta hoja de horas ya la aprobó Marta Ibáñez el" in html
        assert pending["number"] in html
    after = approval_of(api, pending)
    assert (after["status"], after["rejection_reason"]) == ("approved", None)


def test_a_second_contact_who_decides_after_the_first_gets_409(api, client, org):
    """Two people of the customer look at the same approval; the first to decide wins."""
    show_projects(api)
    customer = create_customer(api, "Ferretería Central", contacts=[
        {"first_name": "Marta", "last_name": "Ibáñez", "email": "marta@ferreteria.example",
         "is_primary": True},
        {"first_name": "Jorge", "last_name": "Sanz", "email": "jorge@ferreteria.example",
         "is_primary": False}])
    marta = invite_and_accept(api, client, org, customer, customer["contacts"][0])
    site = project(api, customer)
    approval = submit(api, site, [entry(api, site, task(api, site))])
    path = f"/timesheets/{approval['id']}"
    marta_token = csrf_token(text(marta.get(path)))

    jorge_client = client.application.test_client()
    jorge = invite_and_accept(api, jorge_client, org, customer, customer["contacts"][1])
    assert jorge.post_form(f"{path}/reject", {"reason": "No reconozco estas horas"},
                           page=path).status_code == 302

    late = marta.client.post(f"{marta.base}{path}/approve", data={"csrf_token": marta_token})
    assert late.status_code == 409
    assert "Esta hoja de horas ya la rechazó Jorge Sanz el" in text(late)
    after = approval_of(api, approval)
    assert (after["status"], after["decided_by_name"]) == ("rejected", "Jorge Sanz")


# --- comments ------------------------------------------------------------------------------

def test_comments_customer_and_staff_shown_internal_hidden(api, marta, pending):
    _customer, portal = marta
    path = f"/timesheets/{pending['id']}"
    staff = f"/timesheet-approvals/{pending['id']}/comments"
    created(api.post(staff, json={"body": "Incluye la visita del sábado.",
                                  "author_name": "Ana (Talleres)", "show_in_portal": True}))
    created(api.post(staff, json={"body": "Nota interna: revisar tarifa."}))
    added = portal.post_form(f"{path}/comments", {"body": "¿Qué es la coordinación?"},
                             page=path)
    assert added.status_code == 302
    assert added.headers["Location"] == f"{portal.base}{path}#comments"
    html = text(portal.get(path))
    assert "Su comentario se ha añadido." in html
    assert "¿Qué es la coordinación?" in html and "Marta Ibáñez" in html
    assert "Incluye la visita del sábado." in html and "Ana (Talleres)" in html
    assert "Nota interna" not in html
    empty = portal.post_form(f"{path}/comments", {"body": " "}, page=path)
    assert empty.status_code == 400
    assert "Escriba su comentario antes de enviarlo." in text(empty)
    bodies = [c["body"] for c in api.get(staff).json["items"]]
    assert bodies[-1] == "¿Qué es la coordinación?" and len(bodies) == 3
    assert approval_of(api, pending)["status"] == "pending"  # commenting decides nothing


# --- tenancy -------------------------------------------------------------------------------

def test_another_customers_or_organizations_approval_is_404_everywhere(api, marta, pending,
                                                                       strangers):
    _customer, portal = marta
    token = csrf_token(text(portal.get(f"/timesheets/{pending['id']}")))
    for owner_api, theirs in strangers.values():
        base = f"{portal.base}/timesheets/{theirs['id']}"
        response = portal.client.get(base)
        assert response.status_code == 404
        assert "Mesa de roble" not in text(response)
        assert "Servicio secreto" not in text(response)
        for action, data in (("approve", {}), ("reject", {"reason": "No"}),
                             ("comments", {"body": "Hola"})):
            posted = portal.client.post(f"{base}/{action}", data={**data,
                                                                  "csrf_token": token})
            assert posted.status_code == 404, action
        after = owner_api.get(f"/timesheet-approvals/{theirs['id']}").json
        assert (after["status"], after["first_viewed_at"], after["comments"]) == \
            ("pending", None, [])
    listing = text(portal.get("/timesheets"))
    assert numbers_in(listing) == [pending["number"]] or \
        set(numbers_in(listing)) == {pending["number"]}
    assert "Proyecto secreto" not in listing and "Lejano" not in listing


def test_two_contacts_deciding_at_once_give_one_decision_and_one_409(api, client, org):
    """Approve and reject sent at the same moment: one wins, the other sees who won."""
    show_projects(api)
    customer = create_customer(api, "Ferretería Central", contacts=[
        {"first_name": "Marta", "last_name": "Ibáñez", "email": "marta@ferreteria.example",
         "is_primary": True},
        {"first_name": "Jorge", "last_name": "Sanz", "email": "jorge@ferreteria.example",
         "is_primary": False}])
    marta = invite_and_accept(api, client, org, customer, customer["contacts"][0])
    jorge = invite_and_accept(api, client.application.test_client(), org, customer,
                              customer["contacts"][1])
    site = project(api, customer)
    approval = submit(api, site, [entry(api, site, task(api, site))])
    path = f"/timesheets/{approval['id']}"
    tokens = [csrf_token(text(person.get(path))) for person in (marta, jorge)]

    def post(person, token, action, data):
        return person.client.post(f"{person.base}{path}/{action}",
                                  data={**data, "csrf_token": token})

    threads = [eventlet.spawn(post, marta, tokens[0], "approve", {}),
               eventlet.spawn(post, jorge, tokens[1], "reject", {"reason": "No"})]
    approve, reject = [thread.wait() for thread in threads]
    assert sorted([approve.status_code, reject.status_code]) == [302, 409]
    after = approval_of(api, approval)
    loser = reject if approve.status_code == 302 else approve
    if approve.status_code == 302:
        assert (after["status"], after["decided_by_name"]) == ("approved", "Marta Ibáñez")
        assert "Esta hoja de horas ya la aprobó Marta Ibáñez el" in text(loser)
    else:
        assert (after["status"], after["decided_by_name"]) == ("rejected", "Jorge Sanz")
        assert "Esta hoja de horas ya la rechazó Jorge Sanz el" in text(loser)
