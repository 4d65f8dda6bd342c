"""The portal's payment error codes (Cp…): the one table billing, the gateway and notify share.

Billing refuses a payment with ``PaymentRefused(details={"cp_code": …})``; the gateway shows
the customer message of that code (short, polite, no internals) and notify sends staff its
meaning and what they can do (the seed's "Solución de problemas" table, Spanish as written
there, English translated). A refusal without a code is an ordinary decline (insufficient
funds, expired card…): the customer sees the gateway's own decline message instead.

``MINIMUM_AMOUNTS`` are the smallest charges the gateway accepts per currency (Stripe's
published minimums); billing refuses anything smaller itself (Cp4001) before calling it.
"""
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class PaymentCode:
    meaning_es: str
    meaning_en: str
    customer_es: str
    customer_en: str
    remedy_es: str
    remedy_en: str

    def remedy(self) -> dict:
        return {"es": self.remedy_es, "en": self.remedy_en}

    def meaning(self) -> dict:
        return {"es": self.meaning_es, "en": self.meaning_en}

    def customer_message(self, language: str = "en") -> str:
        return self.customer_es if language == "es" else self.customer_en


def _customer(code: str, es_reason: str, en_reason: str) -> tuple[str, str]:
    return (f"No se pudo completar el pago ({code}). {es_reason}",
            f"The payment could not be completed ({code}). {en_reason}")


_CONTACT_ES = "Póngase en contacto con la empresa a la que está pagando."
_CONTACT_EN = "Please contact the business you are paying."
_LATER_ES = "Inténtelo de nuevo dentro de unos minutos."
_LATER_EN = "Please try again in a few minutes."

CODES: dict[str, PaymentCode] = {
    "Cp1003": PaymentCode(
        "El portal de clientes de su cliente puede estar asociado con un contacto con el "
        "cliente eliminado.",
        "Your customer's portal may be tied to a contact of the customer that was deleted.",
        *_customer("Cp1003", _CONTACT_ES, _CONTACT_EN),
        "Compruebe que el contacto asociado con el cliente asociado todavía existe.",
        "Check that the contact tied to the customer still exists."),
    "Cp1004": PaymentCode(
        "El portal de clientes de su cliente puede estar asociado con un perfil recurrente "
        "eliminado.",
        "Your customer's portal may be tied to a recurring profile that was deleted.",
        *_customer("Cp1004", _CONTACT_ES, _CONTACT_EN),
        "Compruebe que el perfil recurrente asociado todavía existe.",
        "Check that the associated recurring profile still exists."),
    "Cp2001": PaymentCode(
        "Usted no ha configurado impuestos predeterminados para su organización.",
        "You have not set up a default tax for your organization.",
        *_customer("Cp2001", _CONTACT_ES, _CONTACT_EN),
        "Vaya a Configuración > Impuestos y cree un impuesto predeterminado.",
        "Go to Settings > Taxes and create a default tax."),
    "Cp3001": PaymentCode(
        "No ha habilitado transacciones de referencia en su cuenta de comerciante.",
        "Reference transactions are not enabled on your merchant account.",
        *_customer("Cp3001", "No se puede cobrar a un método de pago guardado. "
                   "Pague con otra tarjeta o póngase en contacto con la empresa a la que está "
                   "pagando.",
                   "A saved payment method cannot be charged. Pay with another card or "
                   "contact the business you are paying."),
        "Habilite transacciones de referencia en su cuenta de comerciante.",
        "Enable reference transactions on your merchant account."),
    "Cp3002": PaymentCode(
        "Ha configurado la pasarela de pago con credenciales no válidas o ha realizado "
        "cambios recientes en su cuenta de comerciante.",
        "The payment gateway is set up with invalid credentials, or the merchant account "
        "was changed recently.",
        *_customer("Cp3002", _CONTACT_ES, _CONTACT_EN),
        "Vuelva a introducir las credenciales correctas en Configuración > Integraciones.",
        "Enter the correct credentials again in Settings > Integrations."),
    "Cp3003": PaymentCode(
        "El pago ha sido rechazado debido a los filtros de detección de fraude que ha "
        "configurado en su cuenta de comerciante.",
        "The payment was declined by the fraud detection filters set up on your merchant "
        "account.",
        *_customer("Cp3003", _CONTACT_ES, _CONTACT_EN),
        "Compruebe si la transacción fue fraudulenta o no. Modifique sus filtros de fraude, "
        "si es necesario.",
        "Check whether the transaction was fraudulent. Adjust your fraud filters if needed."),
    "Cp3004": PaymentCode(
        "La transacción ha sido rechazada ya que la pasarela de pago no pudo verificar la "
        "dirección de su cliente.",
        "The transaction was declined because the payment gateway could not verify your "
        "customer's address.",
        *_customer("Cp3004", "No se pudo verificar la dirección de facturación. "
                   "Compruébela e inténtelo de nuevo.",
                   "The billing address could not be verified. Please check it and try "
                   "again."),
        "Configure los campos de dirección para sus páginas de pago en Configuración > "
        "Pagos al Cliente > Configuración de verificación de tarjetas.",
        "Set up the address fields of your payment pages in Settings > Customer Payments > "
        "Card verification settings."),
    "Cp3005": PaymentCode(
        "Una transacción con la misma cantidad y detalles de la tarjeta se realizó a los "
        "pocos minutos de la transacción anterior.",
        "A transaction with the same amount and card details was made within a few minutes "
        "of the previous one.",
        *_customer("Cp3005", "Ya se hizo un pago igual con esta tarjeta hace poco. "
                   + _LATER_ES,
                   "The same payment was just made with this card. " + _LATER_EN),
        "Pídale a su cliente que lo intente de nuevo después de unos minutos.",
        "Ask your customer to try again after a few minutes."),
    "Cp4001": PaymentCode(
        "El monto de la transacción es inferior al importe mínimo permitido por la pasarela "
        "de pago. Esto puede deberse a los descuentos o créditos aplicados.",
        "The transaction amount is below the minimum the payment gateway allows. This may "
        "be due to discounts or credits applied.",
        *_customer("Cp4001", "El importe es inferior al mínimo que se puede pagar en línea.",
                   "The amount is below the minimum that can be paid online."),
        "Asegúrese de que la cantidad de transacción sea mayor que la cantidad mínima de "
        "transacción.",
        "Make sure the transaction amount is above the minimum transaction amount."),
    "Cp4002": PaymentCode(
        "La pasarela de pago que ha configurado no admite pagos recurrentes.",
        "The payment gateway you set up does not support recurring payments.",
        *_customer("Cp4002", _CONTACT_ES, _CONTACT_EN),
        "Configure una pasarela de pago que admita pagos recurrentes.",
        "Set up a payment gateway that supports recurring payments."),
    "Cp4003": PaymentCode(
        "Las pasarelas de pago que has configurado no admiten la moneda de transacción.",
        "The payment gateways you set up do not support the transaction's currency.",
        *_customer("Cp4003", "Esta moneda no se puede pagar en línea. " + _CONTACT_ES,
                   "This currency cannot be paid online. " + _CONTACT_EN),
        "Configure una pasarela de pago que admita la moneda de transacción.",
        "Set up a payment gateway that supports the transaction's currency."),
}

# Stripe's minimum charge amounts (https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts);
# a currency not listed has no minimum of ours beyond one minor unit.
MINIMUM_AMOUNTS: dict[str, Decimal] = {
    "USD": Decimal("0.50"), "EUR": Decimal("0.50"), "GBP": Decimal("0.30"),
    "AUD": Decimal("0.50"), "CAD": Decimal("0.50"), "CHF": Decimal("0.50"),
    "NZD": Decimal("0.50"), "SGD": Decimal("0.50"), "BRL": Decimal("0.50"),
    "DKK": Decimal("2.50"), "NOK": Decimal("3.00"), "SEK": Decimal("3.00"),
    "PLN": Decimal("2.00"), "CZK": Decimal("15.00"), "HUF": Decimal("175.00"),
    "MXN": Decimal("10"), "HKD": Decimal("4.00"), "INR": Decimal("0.50"),
    "AED": Decimal("2.00"), "BGN": Decimal("1.00"), "RON": Decimal("2.00"),
    "THB": Decimal("10"), "MYR": Decimal("2"), "JPY": Decimal("50"),
}


def minimum_amount(currency: str) -> Decimal | None:
    return MINIMUM_AMOUNTS.get(currency.upper())


def remedy(cp_code: str | None) -> dict | None:
    """{"es", "en"} of what staff can do, or None for a refusal without a code."""
    return CODES[cp_code].remedy() if cp_code in CODES else None
