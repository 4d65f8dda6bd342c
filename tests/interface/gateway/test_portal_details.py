"""My details: the home page block, the details page edited one section at a time,
what staff then see through the API and the event they are told by."""
from tests.interface.gateway.conftest import Portal, create_customer, invite_and_accept
from tests.interface.gateway.portal_events import events  # noqa: F401 (fixture)


def _text(response):
    return response.get_data(as_text=True)


def _marta(api, client, org, **customer):
    created = create_customer(api, billing_address={
        "street": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013", "country": "ES"},
        **customer)
    portal = invite_and_accept(api, client, org, created, created["contacts"][0])
    return created, portal


ADDRESS = {"attention": "", "street": "Calle Mayor 1", "street2": "", "city": "Madrid",
           "state": "", "postal_code": "28013", "country": "ES"}


def test_home_has_my_details_with_see_more(api, client, org):
    _customer, portal = _marta(api, client, org)
    html = _text(portal.get("/"))
    assert "Mis detalles" in html and "Ver más" in html
    assert f'href="/portal/{org["slug"]}/details"' in html
    # The menu beside the contact's name, and logging out from the sidebar.
    assert "Marta Ibáñez" in html and "Cambiar contraseña" in html
    assert f'action="/portal/{org["slug"]}/logout"' in html


def test_details_page_shows_each_section_with_its_edit_link(api, client, org):
    _customer, portal = _marta(api, client, org, website="www.ferreteria.example")
    response = portal.get("/details")
    assert response.status_code == 200
    html = _text(response)
    for heading in ("Datos de la empresa", "Dirección de facturación", "Dirección de envío",
                    "Sus datos de contacto"):
        assert heading in html
    for section in ("company", "billing_address", "shipping_address", "contact"):
        assert f"?edit={section}#{section}" in html
    assert "Calle Mayor 1" in html and "28013 Madrid" in html and "España" in html
    assert "www.ferreteria.example" in html
    # The login email is the user name and is not changed here: the page says so.
    assert ("Su dirección de correo electrónico marta@ferreteria.example es también su "
            "nombre de usuario en este portal, por lo que no se puede cambiar aquí") in html
    assert "<form" not in html.split("<main>", 1)[1]  # nothing is in edit mode


def test_edit_save_and_staff_see_the_new_address(api, client, org, events):
    customer, portal = _marta(api, client, org)
    form = _text(portal.get("/details?edit=billing_address"))
    assert 'name="city"' in form and 'value="Madrid"' in form
    assert '<option selected value="ES">España</option>' in form
    assert form.count("<form") == 2  # this section, and logging out

    saved = portal.post_form("/details?edit=billing_address", {**ADDRESS, "city": "Sevilla",
                                                               "postal_code": "41001"})
    assert saved.status_code == 302
    assert saved.headers["Location"] == f"/portal/{org['slug']}/details#billing_address"
    page = _text(portal.get("/details"))
    assert "Sus cambios se han guardado." in page and "41001 Sevilla" in page

    staff = api.get(f"/customers/{customer['id']}").json
    assert staff["billing_address"] == {**ADDRESS, "city": "Sevilla", "postal_code": "41001"}
    [event] = events.wait_for("customer_details_updated")
    assert event["organization_id"] == org["id"]
    assert event["payload"] == {
        "customer_id": customer["id"], "contact_id": customer["contacts"][0]["id"],
        "section": "billing_address",
        "changes": [{"field": "city", "old": "Madrid", "new": "Sevilla"},
                    {"field": "postal_code", "old": "28013", "new": "41001"}]}

    # The same values again: nothing changed, nothing published.
    again = portal.post_form("/details?edit=billing_address", {
        **ADDRESS, "city": "Sevilla", "postal_code": "41001"})
    assert again.status_code == 302
    assert "No se ha cambiado nada." in _text(portal.get("/details"))
    events.settle()
    assert len(events.of("customer_details_updated")) == 1


def test_refused_fields_are_explained_and_the_input_kept(api, client, org, events):
    customer, portal = _marta(api, client, org)
    refused = portal.post_form("/details?edit=billing_address", {
        **ADDRESS, "city": "x" * 101, "postal_code": "28<b>13", "country": "XX"})
    assert refused.status_code == 400
    html = _text(refused)
    assert "Use como máximo 100 caracteres." in html
    assert "Use solo letras, dígitos, espacios y guiones." in html
    assert "Elija un país de la lista." in html
    assert 'value="28&lt;b&gt;13"' in html and "28<b>13" not in html
    assert 'aria-invalid="true"' in html

    company = portal.post_form("/details?edit=company", {
        "company_name": "Ferretería", "email": "compras-at-ferreteria", "phone": "llámame",
        "website": "javascript:alert(1)"})
    assert company.status_code == 400
    html = _text(company)
    assert "Introduzca una dirección de correo electrónico válida" in html
    assert "Use solo dígitos, espacios y + ( ) - ." in html
    assert "Introduzca una dirección web como https://www.ejemplo.com." in html
    assert 'value="compras-at-ferreteria"' in html and 'value="llámame"' in html

    # Nothing was saved half-way.
    staff = api.get(f"/customers/{customer['id']}").json
    assert staff["billing_address"] == ADDRESS
    assert staff["email"] == "compras@ferreteria.example" and staff["company_name"] == ""
    events.settle()
    assert events.of("customer_details_updated") == []


def test_the_page_and_its_refusals_in_english(api, client, org):
    _customer, portal = _marta(api, client, org)
    html = _text(portal.get("/details?lang=en"))
    assert "My details" in html and "Company details" in html and "Edit" in html
    assert "is also your user name for this portal, so it cannot be changed here" in html
    refused = portal.post_form("/details?edit=contact", {
        "first_name": "Marta", "last_name": "Ibáñez", "phone": "+34 (600) abc"})
    assert refused.status_code == 400
    assert "Use digits, spaces and + ( ) - . only." in _text(refused)
    assert 'value="+34 (600) abc"' in _text(refused)


def test_a_contact_changes_their_own_details_but_not_the_login_email(api, client, org,
                                                                     events):
    customer, portal = _marta(api, client, org)
    form = _text(portal.get("/details?edit=contact"))
    assert 'name="first_name"' in form and 'name="email"' not in form
    saved = portal.post_form("/details?edit=contact", {
        "first_name": "Marta Elena", "last_name": "Ibáñez", "phone": "600 100 200",
        "email": "otra@ferreteria.example"})  # not a field of the form: ignored
    assert saved.status_code == 302
    home = _text(portal.get("/"))
    assert "Marta Elena Ibáñez" in home  # the name beside the menu
    contact = api.get(f"/customers/{customer['id']}").json["contacts"][0]
    assert contact["first_name"] == "Marta Elena" and contact["phone"] == "600 100 200"
    assert contact["email"] == "marta@ferreteria.example"
    [event] = events.wait_for("customer_details_updated")
    assert event["payload"]["section"] == "contact"
    assert event["payload"]["changes"] == [
        {"field": "first_name", "old": "Marta", "new": "Marta Elena"},
        {"field": "phone", "old": "", "new": "600 100 200"}]
    assert portal.logout().status_code == 302
    assert portal.login("marta@ferreteria.example", "Clave-segura-2026").status_code == 302


def test_script_in_the_details_is_shown_as_text_on_every_page(api, client, org):
    _customer, portal = _marta(api, client, org)
    script = "<script>alert(1)</script>"
    assert portal.post_form("/details?edit=company", {"company_name": script}).status_code == 302
    assert portal.post_form("/details?edit=contact", {"first_name": script}).status_code == 302
    for path in ("/", "/details", "/details?edit=company", "/password", "/message", "/review"):
        html = _text(portal.get(path))
        assert script not in html, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path


def test_unknown_sections_and_forged_posts_are_refused(api, client, org):
    _customer, portal = _marta(api, client, org)
    assert portal.get("/details?edit=password_hash").status_code == 404
    assert portal.post_form("/details", {"city": "Sevilla"},
                            page="/details?edit=billing_address").status_code == 400
    no_token = portal.post_form("/details?edit=billing_address", {**ADDRESS, "city": "Sevilla"},
                                with_csrf=False)
    assert no_token.status_code == 400
    assert "No se pudo enviar el formulario" in _text(no_token)


def test_details_need_a_login(client, org):
    portal = Portal(client, org["slug"])
    for path in ("/details", "/details?edit=company"):
        response = portal.get(path)
        assert response.status_code == 302
        assert response.headers["Location"] == f"/portal/{org['slug']}/login"


def test_logging_out_from_the_sidebar_of_the_details_page(api, client, org):
    _customer, portal = _marta(api, client, org)
    out = portal.post_form("/logout", {}, page="/details")
    assert out.status_code == 302 and out.headers["Location"] == f"/portal/{org['slug']}/login"
    assert portal.get("/details").status_code == 302
    assert "Ha cerrado la sesión." in _text(portal.get("/login"))


def test_nothing_of_another_customer_is_shown_or_changed(api, client, org):
    theirs = create_customer(api, "Carpintería Robles", phone="+34 699 999 999",
                             billing_address={"city": "Toledo", "country": "ES"})
    _mine, portal = _marta(api, client, org)
    for path in ("/details", "/details?edit=billing_address", "/details?edit=company"):
        html = _text(portal.get(path))
        for secret in ("Carpintería Robles", "Toledo", "+34 699 999 999", theirs["email"]):
            assert secret not in html, (path, secret)
    assert portal.post_form("/details?edit=billing_address",
                            {**ADDRESS, "city": "Sevilla"}).status_code == 302
    assert api.get(f"/customers/{theirs['id']}").json["billing_address"]["city"] == "Toledo"
