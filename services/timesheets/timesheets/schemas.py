"""What timesheets's RPC methods take and give (marshmallow)."""
