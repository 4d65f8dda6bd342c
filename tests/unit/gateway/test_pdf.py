"""The PDF renderer: the organization's letterhead, text a reader can extract, nothing fetched."""
import io

from flask import render_template_string
from pypdf import PdfReader

from gateway.app import create_app
from gateway.pdf import pdf_response, render_pdf

ORGANIZATION = {"name": "Talleres Norte S.L.", "email": "hola@talleres.example",
                "phone": "+34 910 000 000", "street": "Calle Mayor 1", "city": "Madrid",
                "postal_code": "28013", "country": "ES"}


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_document_carries_the_letterhead_and_extractable_text():
    app = create_app({"TESTING": True, "SECRET_KEY": "x"})
    with app.test_request_context("/?lang=es"):
        pdf = render_pdf("pdf/_document.html", organization=ORGANIZATION)
    text = _text(pdf)
    assert pdf.startswith(b"%PDF-")
    assert "Talleres Norte S.L." in text and "Calle Mayor 1" in text
    assert "hola@talleres.example" in text and "28013 Madrid" in text


def test_no_file_or_url_is_fetched_while_rendering(tmp_path, monkeypatch):
    secret = tmp_path / "secret.css"
    secret.write_text('body::before { content: "SECRETO-DEL-SERVIDOR"; }')
    app = create_app({"TESTING": True, "SECRET_KEY": "x"})
    page = ('{% extends "pdf/_document.html" %}{% block body %}'
            '<link rel="stylesheet" href="file://' + str(secret) + '">'
            '<img src="file://' + str(secret) + '">Cuerpo{% endblock %}')
    with app.test_request_context("/"):
        html_pdf = render_pdf("pdf/_document.html", organization=ORGANIZATION)
        app.jinja_env.globals["__page"] = page
        monkeypatch.setattr("gateway.pdf.render_template",
                            lambda name, **context: render_template_string(page, **context))
        pdf = render_pdf("ignored", organization=ORGANIZATION)
    assert "Cuerpo" in _text(pdf)
    assert "SECRETO-DEL-SERVIDOR" not in _text(pdf)
    assert html_pdf.startswith(b"%PDF-")


def test_download_headers_name_the_file_safely():
    app = create_app({"TESTING": True, "SECRET_KEY": "x"})
    with app.test_request_context("/"):
        response = pdf_response(b"%PDF-1.7", "Factura INV-000001/ñ.pdf")
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Factura_INV-000001__.pdf"')
    assert "filename*=UTF-8''Factura%20INV-000001%2F%C3%B1.pdf" in disposition
    assert response.headers["Cache-Control"] == "private, no-store"
