"""The ``portal`` command: run a service, migrate, create organizations, seed the demo."""
