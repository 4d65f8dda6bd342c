"""notify: notification preferences, email templates, the outgoing mail queue, the staff feed."""
