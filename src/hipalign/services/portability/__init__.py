"""Portability: a person's data out of the app (plan, calendar, FHIR, PDF handout, account
document)."""
