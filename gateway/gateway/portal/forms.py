"""The portal's forms (Flask-WTF: each carries its CSRF token).

The forms of My details, the message to the business and the review only carry
what was typed: identity checks every value (one set of rules for the portal and
the staff API) and the page shows its refusals next to each field.
"""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (EmailField, PasswordField, RadioField, SelectField, StringField,
                     TextAreaField, TelField, URLField)
from wtforms.validators import DataRequired, EqualTo, Length

from identity.security import PASSWORD_MAX_LENGTH


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[
        DataRequired(_l("Enter your email address.")), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Enter your password.")), Length(max=PASSWORD_MAX_LENGTH)])


class InvitationForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[
        DataRequired(_l("Choose a password.")),
        Length(max=PASSWORD_MAX_LENGTH,
               message=_l("Use at most %(max)d characters.", max=PASSWORD_MAX_LENGTH))])
    confirm = PasswordField(_l("Repeat the password"), validators=[
        DataRequired(_l("Repeat the password.")),
        EqualTo("password", _l("The two passwords are not the same."))])


class ChangePasswordForm(FlaskForm):
    old_password = PasswordField(_l("Current password"), validators=[
        DataRequired(_l("Enter your current password.")), Length(max=PASSWORD_MAX_LENGTH)])
    new_password = PasswordField(_l("New password"), validators=[
        DataRequired(_l("Choose a password.")),
        Length(max=PASSWORD_MAX_LENGTH,
               message=_l("Use at most %(max)d characters.", max=PASSWORD_MAX_LENGTH))])
    confirm = PasswordField(_l("Confirm the new password"), validators=[
        DataRequired(_l("Repeat the password.")),
        EqualTo("new_password", _l("The two passwords are not the same."))])


# --- My details: one form per section ----------------------------------------------------

def _text(label, max_length, **render_kw):
    return StringField(label, render_kw={"maxlength": max_length, **render_kw})


class CompanyForm(FlaskForm):
    company_name = _text(_l("Company name"), 200, autocomplete="organization")
    email = EmailField(_l("Email"), render_kw={"maxlength": 254, "autocomplete": "email"})
    phone = TelField(_l("Phone"), render_kw={"maxlength": 40, "autocomplete": "tel"})
    website = URLField(_l("Website"), render_kw={"maxlength": 200, "autocomplete": "url"})


class AddressForm(FlaskForm):
    attention = _text(_l("Attention"), 100)
    street = _text(_l("Street"), 200, autocomplete="address-line1")
    street2 = _text(_l("Street (line 2)"), 200, autocomplete="address-line2")
    city = _text(_l("City"), 100, autocomplete="address-level2")
    state = _text(_l("State or province"), 100, autocomplete="address-level1")
    postal_code = _text(_l("Postal code"), 20, autocomplete="postal-code")
    country = SelectField(_l("Country"), choices=[], validate_choice=False,
                          render_kw={"autocomplete": "country"})


class ContactForm(FlaskForm):
    first_name = _text(_l("First name"), 100, autocomplete="given-name")
    last_name = _text(_l("Last name"), 100, autocomplete="family-name")
    phone = TelField(_l("Phone"), render_kw={"maxlength": 40, "autocomplete": "tel"})


SECTION_FORMS = {"company": CompanyForm, "billing_address": AddressForm,
                 "shipping_address": AddressForm, "contact": ContactForm}


# --- writing to the business -----------------------------------------------------------------

class MessageForm(FlaskForm):
    subject = _text(_l("Subject"), 200)
    message = TextAreaField(_l("Message"), render_kw={"maxlength": 5000, "rows": 8})


RATINGS = [("5", _l("5 – Excellent")), ("4", _l("4 – Good")), ("3", _l("3 – Fair")),
           ("2", _l("2 – Poor")), ("1", _l("1 – Very poor"))]


class ReviewForm(FlaskForm):
    rating = RadioField(_l("Rating"), choices=RATINGS, validate_choice=False)
    message = TextAreaField(_l("Your review"), render_kw={"maxlength": 2000, "rows": 6})
