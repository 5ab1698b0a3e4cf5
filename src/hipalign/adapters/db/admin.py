"""Admin: browse the library and add local exercises. Person data is not exposed here."""

from django.contrib import admin
from django.contrib.auth.models import Group, User

from hipalign.adapters.db.models import LibraryExercise


@admin.register(LibraryExercise)
class LibraryExerciseAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "name", "origin", "position", "intent")
    list_filter = ("origin", "position", "intent")
    search_fields = ("id", "name")

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        # Core entries come from the data files by id; editing them here would be overwritten.
        if obj is not None and obj.origin == "core":
            return [f.name for f in self.model._meta.fields]
        return ["origin"]

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return obj is None or obj.origin != "core"


# Accounts and roles are managed in the admin area (/admin-area/people), which keeps the role,
# the staff flags and the person's sessions in step and audits the change; the stock user and
# group pages would change staff flags without any of that (issue 5).
for _model in (User, Group):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
