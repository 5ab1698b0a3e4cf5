"""Follow-up: outcome measures and their records, adherence, progress, the timeline,
assessments and lifestyle habits with their reminders."""
