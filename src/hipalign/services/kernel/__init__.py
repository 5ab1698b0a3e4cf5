"""The kernel every context uses: the access guard (NotFound, roles, owned records), the
audit chain and its viewer, and the person's time zone (the clock is passed in, never read)."""
