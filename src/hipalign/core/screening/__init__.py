"""Red-flag screening: the question catalog (catalog.py) and the referral rules (rules.py)."""
