"""No model is registered in Django's admin site, and the site is not mounted (web/urls.py):
accounts and roles are managed in the admin area (/admin-area/people), which keeps the role, the
staff flags and the person's sessions in step and audits the change (issue 5), and the exercise
library is the validated data files (core/library), not rows to edit (issue 15)."""

from django.contrib import admin
from django.contrib.auth.models import Group, User

# The stock user and group pages would change staff flags without any of that.
for _model in (User, Group):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
