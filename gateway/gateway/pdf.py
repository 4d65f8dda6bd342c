"""The one HTML-to-PDF renderer: invoices, receipts and statements (WeasyPrint).

A PDF is the same Jinja template machinery as the pages, rendered to a string and
laid out by WeasyPrint; ``templates/pdf/_document.html`` brands it with the
organization's details. Fonts come from fontconfig (DejaVu is installed by
``scripts/ensure-infra.sh``), so nothing is fetched from the network.
"""
from urllib.parse import quote

from flask import Response, render_template
import weasyprint
from weasyprint.urls import URLFetcher

PDF_MIME = "application/pdf"


# Documents are self-contained: no URL (remote, file or data) is ever fetched, so
# customer-typed text can never make the server read a file or call out.
NO_FETCHING = URLFetcher(allowed_protocols=frozenset())


def render_pdf(template: str, **context) -> bytes:
    """The PDF bytes of a template under ``templates/pdf/``."""
    html = render_template(template, **context)
    return weasyprint.HTML(string=html, url_fetcher=NO_FETCHING).write_pdf()


def pdf_response(pdf: bytes, filename: str, inline: bool = False) -> Response:
    """A download (or inline view) with a safe file name in both header forms."""
    ascii_name = "".join(c if (c.isascii() and c.isalnum()) or c in "-_." else "_" for c in filename)
    disposition = "inline" if inline else "attachment"
    response = Response(pdf, mimetype=PDF_MIME)
    response.headers["Content-Disposition"] = (
        f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}")
    response.headers["Cache-Control"] = "private, no-store"
    return response
