"""Customers and their contact persons."""
from flask import url_for

from identity.schemas import (ContactInputSchema, ContactUpdateSchema, CustomerCreateSchema,
                              CustomerInputSchema, CustomerListQuerySchema)

from ..rpc_access import get_rpc
from . import bp
from .auth import organization_id
from .bodies import validated_body, validated_query
from .docs import operation

TAGS = ("customers",)


@bp.post("/customers")
@operation("Create a customer with its contact persons", tags=TAGS, body="CustomerCreate",
           responses={201: "Customer"})
def create_customer():
    data = validated_body(CustomerCreateSchema())
    customer = get_rpc().identity.create_customer(organization_id(), data)
    return customer, 201, {"Location": url_for(".get_customer", customer_id=customer["id"])}


@bp.get("/customers")
@operation("List customers (search, portal filter, sort, pages)", tags=TAGS,
           query="CustomerListQuery", responses={200: "CustomerPage"})
def list_customers():
    query = validated_query(CustomerListQuerySchema())
    return get_rpc().identity.list_customers(organization_id(), query)


@bp.get("/customers/<customer_id>")
@operation("One customer with its contact persons", tags=TAGS, responses={200: "Customer"})
def get_customer(customer_id):
    return get_rpc().identity.get_customer(organization_id(), customer_id)


@bp.patch("/customers/<customer_id>")
@operation("Change a customer's details", tags=TAGS, body="CustomerUpdate",
           responses={200: "Customer"})
def update_customer(customer_id):
    data = validated_body(CustomerInputSchema(), partial=True)
    return get_rpc().identity.update_customer(organization_id(), customer_id, data)


@bp.delete("/customers/<customer_id>")
@operation("Delete a customer (its contacts lose portal access at once)", tags=TAGS,
           responses={204: None})
def delete_customer(customer_id):
    get_rpc().identity.delete_customer(organization_id(), customer_id)
    return "", 204


@bp.post("/customers/<customer_id>/contacts")
@operation("Add a contact person", tags=TAGS, body="ContactInput", responses={201: "Contact"})
def add_contact(customer_id):
    data = validated_body(ContactInputSchema())
    return get_rpc().identity.add_contact(organization_id(), customer_id, data), 201


@bp.patch("/customers/<customer_id>/contacts/<contact_id>")
@operation("Change a contact person", tags=TAGS, body="ContactUpdate",
           responses={200: "Contact"}, errors=(409,))
def update_contact(customer_id, contact_id):
    data = validated_body(ContactUpdateSchema(), partial=True)
    return get_rpc().identity.update_contact(organization_id(), customer_id, contact_id, data)


@bp.delete("/customers/<customer_id>/contacts/<contact_id>")
@operation("Delete a contact person (its portal sessions end at once)", tags=TAGS,
           responses={204: None})
def delete_contact(customer_id, contact_id):
    get_rpc().identity.delete_contact(organization_id(), customer_id, contact_id)
    return "", 204
