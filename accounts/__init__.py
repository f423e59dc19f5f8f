"""People and access: sign-in, two-factor, the access policy, security events and the audit page."""
