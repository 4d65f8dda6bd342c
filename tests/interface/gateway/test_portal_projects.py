"""Projects in the portal against real identity and timesheets: hidden (404, no menu entry)
until the organization shows projects and timesheets; the customer's active projects; one
project's tasks and entries with hours that add up; its comments; and nothing of another
customer or organization reachable."""
import re
from decimal import Decimal

import pytest

from .billing_api import created, other_organization
from .conftest import create_customer, csrf_token, invite_and_accept
from .timesheets_api import decide, entry, project, show_projects, submit, task


def text(response) -> str:
    return response.get_data(as_text=True)


def es_hours(value: str) -> Decimal:
    """ "1.234,50" → Decimal("1234.50") (the page's Spanish hours)."""
    return Decimal(value.replace(".", "").replace(",", "."))


def hour_cells(row_html: str) -> list[Decimal]:
    return [es_hours(v) for v in re.findall(r'class="num">([\d.,]+)</td>', row_html)]


def task_rows(html: str) -> dict[str, list[Decimal]]:
    """Each task row's name → [logged, billed, unbilled]."""
    rows = {}
    for row in re.findall(r'<tr class="task-row">(.*?)</tr>', html, re.S):
        name = re.search(r'<th scope="row"[^>]*>\s*([^<\n]+)', row).group(1).strip()
        rows[name] = hour_cells(row)
    return rows


def total_row(html: str) -> list[Decimal]:
    return hour_cells(re.search(r'<tr class="total-row">(.*?)</tr>', html, re.S).group(1))


def figures(html: str) -> list[Decimal]:
    return [es_hours(re.search(rf'class="hours-{kind}">([\d.,]+)<', html).group(1))
            for kind in ("logged", "billed", "unbilled")]


@pytest.fixture
def marta(api, client, org):
    customer = create_customer(api)
    return customer, invite_and_accept(api, client, org, customer, customer["contacts"][0])


@pytest.fixture
def site(api, marta):
    """Marta's project: plumbing (billable) with three entries, one billed, and a meeting
    task that is not billable."""
    customer, _portal = marta
    show_projects(api)
    reform = project(api, customer, "Reforma de oficinas", billing_method="task_hours",
                     description="Planta 2")
    plumbing = task(api, reform, "Fontanería")
    meeting = task(api, reform, "Reuniones internas", billable=False)
    return reform, plumbing, meeting


@pytest.fixture
def strangers(app, api, client, org):
    """A project of another customer of the organization and one of another organization."""
    other = create_customer(api, "Carpintería Robles")
    theirs = project(api, other, "Proyecto secreto Robles")
    elsewhere = other_organization(app, client)
    show_projects(elsewhere)
    far = project(elsewhere, create_customer(elsewhere, "Cliente Lejano"), "Proyecto lejano")
    return {"same_org": theirs, "other_org": far}


# --- the preference -----------------------------------------------------------------------

def test_off_the_pages_are_404_and_not_in_the_menu(api, marta):
    customer, portal = marta
    hidden = project(api, customer, "Oculto")
    home = text(portal.get("/"))
    assert "/projects" not in home and "Proyectos" not in home
    for path in ("/projects", f"/projects/{hidden['id']}"):
        response = portal.get(path)
        assert response.status_code == 404, path
        assert "Oculto" not in text(response)
    token = csrf_token(home)
    posted = portal.client.post(f"{portal.base}/projects/{hidden['id']}/comments",
                                data={"body": "Hola", "csrf_token": token})
    assert posted.status_code == 404
    assert api.get(f"/projects/{hidden['id']}/comments").json["items"] == []

    show_projects(api)
    home = text(portal.get("/"))
    assert f'href="{portal.base}/projects">Proyectos</a>' in home
    assert portal.get("/projects").status_code == 200
    assert portal.get(f"/projects/{hidden['id']}").status_code == 200
    show_projects(api, on=False)
    assert portal.get("/projects").status_code == 404


# --- the list -----------------------------------------------------------------------------

def test_the_list_shows_the_customers_active_projects_with_their_hours(api, marta, site,
                                                                       strangers):
    customer, portal = marta
    reform, plumbing, _meeting = site
    entry(api, reform, plumbing, "1.5")
    entry(api, reform, plumbing, "2.25")
    closed = project(api, customer, "Proyecto cerrado", status="inactive")
    response = portal.get("/projects")
    assert response.status_code == 200
    html = text(response)
    assert "Reforma de oficinas" in html and "Basado en horas de tareas" in html
    assert f'href="{portal.base}/projects/{reform["id"]}"' in html
    assert "3,75" in html and "0,00" in html
    for hidden in ("Proyecto cerrado", "Proyecto secreto Robles", "Proyecto lejano"):
        assert hidden not in html
    assert portal.get(f"/projects/{closed['id']}").status_code == 404
    english = text(portal.get("/projects?lang=en"))
    assert "Hours unbilled" in english and "Based on task hours" in english


def test_an_empty_list_says_so(api, marta):
    _customer, portal = marta
    show_projects(api)
    assert "No tiene proyectos activos." in text(portal.get("/projects"))
    assert portal.get("/projects?page=0").status_code == 400


# --- one project -------------------------------------------------------------------------

def test_the_project_shows_tasks_entries_and_hours_that_add_up(app, api, org, marta, site):
    customer, portal = marta
    reform, plumbing, meeting = site
    billed = entry(api, reform, plumbing, "1.50", date="2026-03-02", staff_name="Luis",
                   notes="Cambio de válvula")
    entry(api, reform, plumbing, "2.25", date="2026-03-03", notes="Desagüe")
    entry(api, reform, plumbing, "0.50", date="2026-03-05", notes="Pendiente")
    entry(api, reform, meeting, "1.00", notes="Reunión interna")
    approval = submit(api, reform, [billed])
    decide(app, org, customer, approval)
    assert api.post("/time-entries/mark-billed",
                    json={"time_entry_ids": [billed["id"]]}).status_code == 200

    response = portal.get(f"/projects/{reform['id']}")
    assert response.status_code == 200
    html = text(response)
    for shown in ("Reforma de oficinas", "Planta 2", "Fontanería", "Cambio de válvula",
                  "Desagüe", "Luis", "Facturada", "No facturada", "2 mar 2026"):
        assert shown in html, shown
    # Not billable: neither the entry nor its task are the customer's to see.
    assert "Reunión interna" not in html and "Reuniones internas" not in html

    logged, billed_hours, unbilled = figures(html)
    assert logged == billed_hours + unbilled
    assert billed_hours == Decimal("1.50")
    assert f"{logged:.2f}".replace(".", ",") + " horas registradas" in html
    rows = task_rows(html)
    assert rows["Fontanería"] == [Decimal("4.25"), Decimal("1.50"), Decimal("2.75")]
    for name, (task_logged, task_billed, task_unbilled) in rows.items():
        assert task_logged == task_billed + task_unbilled, name
    total = total_row(html)
    assert total == [logged, billed_hours, unbilled]
    assert [sum(column) for column in zip(*rows.values())] == total
    # On a phone each cell keeps its label (the stylesheet turns rows into cards).
    assert 'data-label="Horas no facturadas" class="num">' in html
    assert 'data-label="Estado de facturación"' in html
    # What the staff API says is what the page says.
    staff = api.get(f"/projects/{reform['id']}").json
    assert Decimal(staff["hours_billed"]) == billed_hours


def test_another_customers_or_organizations_project_is_404_everywhere(api, marta, site,
                                                                      strangers):
    customer, portal = marta
    reform, *_ = site
    token = csrf_token(text(portal.get(f"/projects/{reform['id']}")))
    for theirs in strangers.values():
        base = f"{portal.base}/projects/{theirs['id']}"
        response = portal.client.get(base)
        assert response.status_code == 404
        assert "Proyecto secreto" not in text(response)
        posted = portal.client.post(f"{base}/comments", data={"body": "Hola",
                                                              "csrf_token": token})
        assert posted.status_code == 404
    assert api.get(f"/projects/{strangers['same_org']['id']}/comments").json["items"] == []
    assert portal.get("/projects/nope").status_code == 404


# --- comments ------------------------------------------------------------------------------

def test_comments_customer_and_staff_shown_internal_hidden(app, api, org, marta, site):
    _customer, portal = marta
    reform, *_ = site
    path = f"/projects/{reform['id']}"
    created(api.post(f"{path}/comments", json={"body": "Empezamos el lunes.",
                                               "author_name": "Ana (Talleres)",
                                               "show_in_portal": True}))
    created(api.post(f"{path}/comments", json={"body": "Nota interna: presupuesto justo."}))
    added = portal.post_form(f"{path}/comments", {"body": "¿Podéis venir a las 9?"}, page=path)
    assert added.status_code == 302
    assert added.headers["Location"] == f"{portal.base}{path}#comments"
    html = text(portal.get(path))
    assert "Su comentario se ha añadido." in html
    assert "¿Podéis venir a las 9?" in html and "Marta Ibáñez" in html
    assert "Empezamos el lunes." in html and "Ana (Talleres)" in html
    assert "Nota interna" not in html
    staff_view = api.get(f"{path}/comments").json["items"]
    assert [(c["author_type"], c["body"]) for c in staff_view][-1] == \
        ("customer", "¿Podéis venir a las 9?")

    for body, message in (("   ", "Escriba su comentario antes de enviarlo."),
                          ("<script>x</script>", "los comentarios son texto sin formato")):
        refused = portal.post_form(f"{path}/comments", {"body": body}, page=path)
        assert refused.status_code == 400
        assert message.lower() in text(refused).lower()
    assert len(api.get(f"{path}/comments").json["items"]) == 3
