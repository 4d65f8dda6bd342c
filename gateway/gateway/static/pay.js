/* The card step of a payment, and adding a card: Stripe.js takes the card details in
   its own fields and confirms with the client secret; only then is the form (with no
   card data in it) posted back to the portal, which asks Stripe how it went.
   Without JavaScript this file never runs and the page says what to do instead. */
(function () {
  "use strict";
  var form = document.getElementById("payment-step") || document.getElementById("card-setup");
  if (!form || typeof Stripe === "undefined") { return; }
  var data = form.dataset;
  var stripe = Stripe(data.publishableKey);
  var problem = document.getElementById("payment-problem");
  var button = form.querySelector("button[type=submit]");
  var buttonText = button.textContent;
  var card = null;
  var container = document.getElementById("card-element");
  if (container) {
    card = stripe.elements().create("card");
    card.mount(container);
  }

  function fail(message) {
    problem.textContent = data.failed + " " + (message || "");
    problem.hidden = false;
    button.disabled = false;
    button.textContent = buttonText;
  }

  function field(name, id) {
    var input = document.getElementById(id);
    if (input && input.value) { return input.value; }
    return data[name] || undefined;
  }

  function billingDetails() {
    var details = {name: field("name", "billing-name")};
    if (data.email) { details.email = data.email; }
    var address = {};
    [["line1", "billing-line1"], ["city", "billing-city"],
     ["postal_code", "billing-postal-code"], ["country", "billing-country"]
    ].forEach(function (pair) {
      var input = document.getElementById(pair[1]);
      if (input && input.value) { address[pair[0]] = input.value; }
    });
    if (Object.keys(address).length) { details.address = address; }
    return details;
  }

  function submitWith(values) {
    Object.keys(values).forEach(function (name) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = values[name];
      form.appendChild(input);
    });
    form.submit();
  }

  // data-next-action says which Stripe.js call the client secret is for.
  function confirm() {
    var secret = data.clientSecret;
    if (data.nextAction === "confirm_card_setup") {
      return stripe.confirmCardSetup(secret, {
        payment_method: {card: card, billing_details: billingDetails()}
      }).then(function (result) {
        if (result.error) { return fail(result.error.message); }
        submitWith({setup_intent_id: result.setupIntent.id});
      });
    }
    if (data.nextAction === "confirm_us_bank_account_payment") {
      if (!stripe.collectBankAccountForPayment) { return Promise.resolve(fail("")); }
      return stripe.collectBankAccountForPayment({
        clientSecret: secret,
        params: {payment_method_type: "us_bank_account",
                 payment_method_data: {billing_details: billingDetails()}}
      }).then(function (result) {
        if (result.error) { return fail(result.error.message); }
        return stripe.confirmUsBankAccountPayment(secret).then(function (confirmed) {
          if (confirmed.error) { return fail(confirmed.error.message); }
          submitWith({});
        });
      });
    }
    // The card is already on the payment; the bank may want the customer to confirm
    // (3-D Secure). Either way the portal then asks Stripe how it ended.
    return stripe.confirmCardPayment(secret).then(function () { submitWith({}); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    problem.hidden = true;
    button.disabled = true;
    button.textContent = data.working;
    confirm().catch(function (error) { fail(error && error.message); });
  });
}());
