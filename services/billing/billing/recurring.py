"""Recurring profiles: what staff bill a customer periodically (weekly … yearly).

Deleting one is soft (status ``deleted``): invoices made from it keep pointing at it and
say so (``recurring_profile_deleted``); a deleted profile cannot be chosen for new ones.
"""
from sqlalchemy import select

from portal_common.errors import load_or_refuse as load
from portal_common.money import to_wire
from portal_common.timeutil import utcnow

from . import schemas
from .exceptions import RecurringProfileNotFound
from .models import InvoiceLine, RecurringProfile
from .operations import build_lines, emit


def create_recurring_profile(session, organization_id: str, data: dict) -> RecurringProfile:
    values = load(schemas.RecurringProfileCreateSchema(), data)
    currency = values["currency"].upper()
    built, subtotal, tax_total = build_lines(session, organization_id, currency, InvoiceLine,
                                              values["lines"])
    lines = [{"name": ln.name, "description": ln.description, "quantity": str(ln.quantity),
              "rate": str(ln.rate), "discount": str(ln.discount), "tax_id": ln.tax_id,
              "amount": to_wire(ln.amount, currency),
              "tax_amount": to_wire(ln.tax_amount, currency)} for ln in built]
    profile = RecurringProfile(organization_id=organization_id,
                               customer_id=values["customer_id"], name=values["name"],
                               frequency=values["frequency"], start_date=values["start_date"],
                               end_date=values["end_date"], currency=currency, lines=lines,
                               total=subtotal + tax_total, status="active")
    session.add(profile)
    session.flush()
    emit(session, "recurring_profile_created", organization_id,
         {"recurring_profile_id": profile.id, "customer_id": profile.customer_id,
          "name": profile.name, "frequency": profile.frequency, "currency": currency,
          "total": to_wire(profile.total, currency)})
    return profile


def get_recurring_profile(session, organization_id: str, profile_id: str,
                          lock: bool = False) -> RecurringProfile:
    profile = session.get(RecurringProfile, profile_id, with_for_update=lock) if profile_id \
        else None
    if profile is None or profile.organization_id != organization_id:
        raise RecurringProfileNotFound("Recurring profile not found.",
                                       {"recurring_profile_id": profile_id})
    return profile


def delete_recurring_profile(session, organization_id: str,
                             profile_id: str) -> RecurringProfile:
    """Soft delete; deleting a deleted profile changes nothing (and announces nothing)."""
    profile = get_recurring_profile(session, organization_id, profile_id, lock=True)
    if profile.status != "deleted":
        profile.status = "deleted"
        profile.deleted_at = utcnow()
        session.flush()
        emit(session, "recurring_profile_deleted", organization_id,
             {"recurring_profile_id": profile.id, "customer_id": profile.customer_id,
              "name": profile.name})
    return profile


def list_recurring_profiles(session, organization_id: str,
                            customer_id: str | None = None) -> list[RecurringProfile]:
    query = select(RecurringProfile).where(RecurringProfile.organization_id == organization_id)
    if customer_id:
        query = query.where(RecurringProfile.customer_id == customer_id)
    return list(session.scalars(query.order_by(RecurringProfile.name, RecurringProfile.id)))
