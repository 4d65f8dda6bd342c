"""The Flask gateway: the customer portal and the staff API, composed from RPC calls."""
