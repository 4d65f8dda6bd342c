"""``portal``: the operator's command line."""
import json
import sys

import click

from portal_common import settings
from portal_common.db import make_engine


@click.group()
def cli():
    """Customer portal operations."""


@cli.command("run-service")
@click.argument("service", type=click.Choice(settings.SERVICES))
def run_service(service):
    """Run one nameko service in this process (Ctrl-C or SIGTERM stops it)."""
    from portal_common.runner import run_service as run
    run(service)


@cli.command()
@click.option("--service", "services", multiple=True, type=click.Choice(settings.SERVICES),
              help="Only these services (default: all five).")
@click.option("--skip-broker", is_flag=True,
              help="Do not declare the event queues on RabbitMQ.")
def migrate(services, skip_broker):
    """Apply the services' database migrations and declare their event queues."""
    from portal_common.migrations import upgrade
    from portal_common.runner import service_class
    from portal_common.topology import declare_event_queues
    chosen = services or settings.SERVICES
    for service in chosen:
        upgrade(service)
        click.echo(json.dumps({"event": "migrated", "service": service}))
    if not skip_broker:
        queues = declare_event_queues([service_class(s) for s in chosen], settings.amqp_uri())
        click.echo(json.dumps({"event": "event_queues_declared", "queues": queues}))


def _identity_session():
    from sqlalchemy.orm import Session
    return Session(make_engine(settings.database_url("identity")), expire_on_commit=False)


@cli.group()
def org():
    """Organizations."""


@org.command("create")
@click.option("--name", required=True)
@click.option("--email", required=True, help="Primary email for staff notifications.")
@click.option("--slug", default=None, help="The portal URL part; derived from the name if absent.")
@click.option("--language", type=click.Choice(["es", "en"]), default="es")
@click.option("--currency", default="USD")
@click.option("--timezone", "tz", default="UTC")
def org_create(name, email, slug, language, currency, tz):
    """Create an organization; prints its id, slug and first API key as JSON."""
    from identity import operations as ops
    from portal_common.errors import PortalError
    with _identity_session() as session:
        try:
            organization, api_key = ops.create_organization(session, {
                "name": name, "email": email, "slug": slug, "language": language,
                "currency": currency, "timezone": tz})
        except PortalError as exc:
            click.echo(json.dumps({"error": exc.message, "details": exc.details}), err=True)
            sys.exit(2)
        session.commit()
        click.echo(json.dumps({"organization_id": organization.id, "slug": organization.slug,
                               "api_key": api_key}))


@cli.command("seed-demo")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def seed_demo(as_json):
    """Create (once) a demo organization whose contact can log in; print how to log in."""
    from portal_cli.demo import seed
    info = seed()
    if as_json:
        click.echo(json.dumps(info))
        return
    click.echo("")
    click.echo("  Customer portal:  " + info["portal_url"])
    click.echo("  Log in as:        " + info["email"])
    click.echo("  Password:         " + (info["password"] or "(changed by the contact)"))
    click.echo("  Staff API key:    " + info["api_key"])
    click.echo("  Readiness:        " + info["portal_url"].split("/portal/")[0] + "/readyz")
    click.echo("")
