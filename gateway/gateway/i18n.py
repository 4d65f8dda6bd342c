"""The page language: ``?lang=es|en`` (remembered in a cookie), else the
organization's language, else the browser's preference."""
from flask import current_app, g, request
from flask_babel import Babel, get_locale

babel = Babel()


def requested_language() -> str | None:
    lang = request.args.get("lang", "")
    return lang if lang in current_app.config["LANGUAGES"] else None


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    chosen = requested_language()
    if chosen:
        return chosen
    remembered = request.cookies.get(current_app.config["PORTAL_LANGUAGE_COOKIE"])
    if remembered in languages:
        return remembered
    organization = g.get("organization")
    if organization and organization.get("language") in languages:
        return organization["language"]
    return request.accept_languages.best_match(languages) or \
        current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def _remember_language(response):
    chosen = requested_language()
    if chosen and request.blueprint == "portal":
        response.set_cookie(current_app.config["PORTAL_LANGUAGE_COOKIE"], chosen,
                            max_age=365 * 24 * 3600, path="/portal/",
                            secure=current_app.config["PORTAL_COOKIE_SECURE"],
                            httponly=True, samesite="Lax")
    return response


def register(app) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.after_request(_remember_language)
    app.jinja_env.globals["current_language"] = current_language
