"""Passwords (argon2id), random tokens and the password policy."""
import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .exceptions import PasswordPolicyViolation

# argon2-cffi's defaults are argon2id with RFC 9106's low-memory profile.
_hasher = PasswordHasher()
# Verified against when the email is unknown, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 128
_COMMON = frozenset("""password password1 password123 1234567890 12345678910 qwertyuiop
qwerty1234 iloveyou12 contraseña contrasena contrasena1 123456789a abcdefghij
letmein123 welcome123 bienvenido administrator""".split())

POLICY_TEXT = {
    "en": f"At least {PASSWORD_MIN_LENGTH} characters, with at least one letter and one digit; "
          "not your email address and not a common password.",
    "es": f"Al menos {PASSWORD_MIN_LENGTH} caracteres, con al menos una letra y un dígito; "
          "ni su dirección de correo ni una contraseña común.",
}


def check_password_policy(password: str, email: str = "") -> None:
    problems = []
    if not isinstance(password, str) or len(password) < PASSWORD_MIN_LENGTH:
        problems.append(f"Use at least {PASSWORD_MIN_LENGTH} characters.")
    elif len(password) > PASSWORD_MAX_LENGTH:
        problems.append(f"Use at most {PASSWORD_MAX_LENGTH} characters.")
    else:
        if not any(ch.isalpha() for ch in password):
            problems.append("Include at least one letter.")
        if not any(ch.isdigit() for ch in password):
            problems.append("Include at least one digit.")
        if password.lower() in _COMMON:
            problems.append("This password is too common.")
        if email and password.lower() == email.lower():
            problems.append("Do not use your email address as the password.")
    if problems:
        raise PasswordPolicyViolation("The password does not meet the password policy.",
                                      {"password": problems, "policy": POLICY_TEXT["en"]})


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def new_token() -> str:
    """256 bits from the OS's CSPRNG, URL-safe."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Tokens are high-entropy, so a plain SHA-256 is what we keep and look up."""
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a, b)
