"""The gateway's Flask application factory."""
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config, errors, i18n, request_log, security_headers, template_helpers
from .csrf import csrf


def create_app(overrides: dict | None = None) -> Flask:
    """Build the app: configuration from the environment, then ``overrides`` (tests)."""
    app = Flask(__name__)
    app.config.from_mapping(config.from_environment())
    app.config.update(overrides or {})
    app.json.sort_keys = False

    if app.config["TRUSTED_PROXIES"]:
        count = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    request_log.register(app)
    i18n.register(app)
    template_helpers.register(app)
    csrf.init_app(app)
    errors.register(app)
    security_headers.register(app)

    from .api import bp as api_bp
    from .health import bp as health_bp
    from .portal import bp as portal_bp
    from .webhooks import bp as webhooks_bp
    app.register_blueprint(health_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(portal_bp)
    app.register_blueprint(webhooks_bp)
    return app
