"""Headers every response carries; pages with personal data are not cached."""

# No script at all: the portal works without JavaScript.
PAGE_CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'")
API_CSP = "default-src 'none'; frame-ancestors 'none'"


def _add_headers(response):
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # same-origin keeps the Referer Flask-WTF checks on HTTPS form posts.
    headers.setdefault("Referrer-Policy", "same-origin")
    is_html = response.mimetype == "text/html"
    headers.setdefault("Content-Security-Policy", PAGE_CSP if is_html else API_CSP)
    if "Cache-Control" not in headers and response.mimetype != "text/css":
        headers["Cache-Control"] = "no-store"
    return response


def register(app) -> None:
    app.after_request(_add_headers)
