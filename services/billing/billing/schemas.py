"""What billing's RPC methods take and give (marshmallow)."""
