"""Care: links between a person and their clinicians, the clinic overview and prescribing."""
