"""identity over nameko RPC: load → act → commit → dump."""
from portal_common.events import OutboxRelay
from portal_common.health import HealthRpc
from portal_common.rpc import rpc

from . import operations as ops
from .dependencies import identity_database
from .models import Outbox, ProcessedEvent
from .schemas import (ContactSchema, CustomerMessageSchema, CustomerSchema, OrganizationSchema,
                      PortalPreferencesSchema, ReviewSchema, page_of)

organization_schema = OrganizationSchema()
preferences_schema = PortalPreferencesSchema()
customer_schema = CustomerSchema()
contact_schema = ContactSchema()
message_schema = CustomerMessageSchema()
review_schema = ReviewSchema()


class IdentityService(HealthRpc, OutboxRelay):
    name = "identity"

    db = identity_database()
    outbox_model = Outbox
    processed_model = ProcessedEvent

    def _commit(self):
        self.db.commit()
        self.relay_outbox()

    # organizations and API keys
    @rpc
    def create_organization(self, data):
        org, api_key = ops.create_organization(self.db, data)
        self._commit()
        return {"organization": organization_schema.dump(org), "api_key": api_key}

    @rpc
    def authenticate_api_key(self, api_key):
        org = ops.authenticate_api_key(self.db, api_key)
        self.db.commit()
        return organization_schema.dump(org)

    @rpc
    def get_organization(self, organization_id):
        return organization_schema.dump(ops.get_organization(self.db, organization_id))

    @rpc
    def get_organization_by_slug(self, slug):
        return organization_schema.dump(ops.get_organization_by_slug(self.db, slug))

    @rpc
    def update_organization(self, organization_id, data):
        org = ops.update_organization(self.db, organization_id, data)
        self._commit()
        return organization_schema.dump(org)

    @rpc
    def get_portal_preferences(self, organization_id):
        return preferences_schema.dump(ops.get_organization(self.db, organization_id))

    @rpc
    def update_portal_preferences(self, organization_id, data):
        org = ops.update_portal_preferences(self.db, organization_id, data)
        self._commit()
        return preferences_schema.dump(org)

    # customers and contacts
    @rpc
    def create_customer(self, organization_id, data):
        customer = ops.create_customer(self.db, organization_id, data)
        self._commit()
        return customer_schema.dump(customer)

    @rpc
    def get_customer(self, organization_id, customer_id):
        return customer_schema.dump(ops.get_customer(self.db, organization_id, customer_id))

    @rpc
    def list_customers(self, organization_id, query=None):
        result = ops.list_customers(self.db, organization_id, query or {})
        return page_of(customer_schema.dump(result["customers"], many=True), result["total"],
                       result["page"], result["per_page"])

    @rpc
    def update_customer(self, organization_id, customer_id, data):
        customer = ops.update_customer(self.db, organization_id, customer_id, data)
        self._commit()
        self.db.refresh(customer)
        return customer_schema.dump(customer)

    @rpc
    def delete_customer(self, organization_id, customer_id):
        ops.delete_customer(self.db, organization_id, customer_id)
        self._commit()
        return {"deleted": True}

    @rpc
    def add_contact(self, organization_id, customer_id, data):
        contact = ops.add_contact(self.db, organization_id, customer_id, data)
        self._commit()
        return contact_schema.dump(contact)

    @rpc
    def add_forwarded_contact(self, organization_id, customer_id, data):
        """data: {email, name (optional)}: the address a portal contact forwarded a
        document to. An existing contact with that email is returned unchanged; a new one
        gets no portal access."""
        contact = ops.add_forwarded_contact(self.db, organization_id, customer_id, data)
        self._commit()
        return contact_schema.dump(contact)

    @rpc
    def update_contact(self, organization_id, customer_id, contact_id, data):
        contact = ops.update_contact(self.db, organization_id, customer_id, contact_id, data)
        self._commit()
        return contact_schema.dump(contact)

    @rpc
    def delete_contact(self, organization_id, customer_id, contact_id):
        ops.delete_contact(self.db, organization_id, customer_id, contact_id)
        self._commit()
        return {"deleted": True}

    # portal access (staff)
    @rpc
    def enable_portal(self, organization_id, customer_id, data):
        result = ops.enable_portal(self.db, organization_id, customer_id, data)
        self._commit()
        return result

    @rpc
    def bulk_enable_portal(self, organization_id, data):
        result = ops.bulk_enable_portal(self.db, organization_id, data)
        self._commit()
        return result

    @rpc
    def disable_portal(self, organization_id, customer_id, contact_id):
        contact = ops.disable_portal(self.db, organization_id, customer_id, contact_id)
        self._commit()
        return contact_schema.dump(contact)

    @rpc
    def reinvite(self, organization_id, customer_id, contact_id):
        contact = ops.reinvite(self.db, organization_id, customer_id, contact_id)
        self._commit()
        return contact_schema.dump(contact)

    # portal (contacts)
    @rpc
    def describe_invitation(self, slug, token):
        info = ops.describe_invitation(self.db, slug, token)
        info["expires_at"] = info["expires_at"].isoformat()
        return info

    @rpc
    def accept_invitation(self, slug, token, password, ip="", user_agent=""):
        token, row = ops.accept_invitation(self.db, slug, token, password, ip, user_agent)
        self._commit()
        return self._session_out(token, row)

    @rpc
    def login(self, slug, email, password, ip="", user_agent="", previous_token=None):
        token, row = ops.login(self.db, slug, email, password, ip, user_agent, previous_token)
        self._commit()
        return self._session_out(token, row)

    @rpc
    def resolve_session(self, slug, token):
        """Who is logged in: the organization, customer and contact a portal call acts for."""
        org, contact = ops.resolve_session(self.db, slug, token)
        self.db.commit()
        return {"organization_id": org.id, "customer_id": contact.customer_id,
                "contact_id": contact.id, "organization": organization_schema.dump(org),
                "customer": {"id": contact.customer.id,
                             "display_name": contact.customer.display_name},
                "contact": contact_schema.dump(contact)}

    @rpc
    def logout(self, slug, token):
        ops.revoke_session(self.db, slug, token)
        self._commit()
        return {"logged_out": True}

    @rpc
    def get_portal_profile(self, organization_id, customer_id):
        """The home page's account block: the organization and the customer with contacts."""
        org = ops.get_organization(self.db, organization_id)
        customer = ops.get_customer(self.db, organization_id, customer_id)
        return {"organization": organization_schema.dump(org),
                "customer": customer_schema.dump(customer)}

    # what a contact does in the portal: each call names the organization, customer and
    # contact of the gateway's resolved session, and identity checks them again
    @rpc
    def update_portal_details(self, organization_id, customer_id, contact_id, section, data):
        """Save one section of My details (company, billing_address, shipping_address,
        contact); the changes, old → new, are published as customer_details_updated."""
        changes = ops.update_portal_details(self.db, organization_id, customer_id, contact_id,
                                            section, data)
        self._commit()
        return {"section": section, "changes": changes}

    @rpc
    def change_password(self, organization_id, customer_id, contact_id, session_token, data,
                        ip=""):
        """data: {old_password, new_password}. The session ``session_token`` stays; the
        contact's other sessions end."""
        ended = ops.change_password(self.db, organization_id, customer_id, contact_id,
                                    session_token, data, ip)
        self._commit()
        return {"changed": True, "other_sessions_ended": ended}

    @rpc
    def send_customer_message(self, organization_id, customer_id, contact_id, data):
        """data: {subject, message}; delivered by notify to the organization's email."""
        row = ops.send_customer_message(self.db, organization_id, customer_id, contact_id,
                                        data)
        self._commit()
        return message_schema.dump(row)

    @rpc
    def submit_review(self, organization_id, customer_id, contact_id, data):
        """data: {rating: 1-5, message}."""
        review = ops.submit_review(self.db, organization_id, customer_id, contact_id, data)
        self._commit()
        return review_schema.dump(review)

    # reviews (staff)
    @rpc
    def list_reviews(self, organization_id, query=None, customer_id=None, contact_id=None):
        result = ops.list_reviews(self.db, organization_id, query or {}, customer_id,
                                  contact_id)
        return page_of(review_schema.dump(result["reviews"], many=True), result["total"],
                       result["page"], result["per_page"])

    # for consumers that name who acted (notify)
    @rpc
    def get_activity_context(self, organization_id, customer_id, contact_id=None):
        return ops.get_activity_context(self.db, organization_id, customer_id, contact_id)

    @staticmethod
    def _session_out(token, row):
        return {"session_token": token, "contact_id": row.contact_id,
                "expires_at": row.expires_at.isoformat()}
