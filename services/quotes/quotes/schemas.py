"""What quotes's RPC methods take and give (marshmallow)."""
