"""identity: organizations, API keys, customers, contacts, portal access and sessions."""
