"""The portal's forms (Flask-WTF: each carries its CSRF token)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
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
