"""Admin: browse the library and add local exercises. Person data is not exposed here."""

from django.contrib import admin

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
