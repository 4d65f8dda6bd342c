"""What notify's RPC methods take and give (marshmallow)."""
