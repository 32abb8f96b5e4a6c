from django.contrib import admin

from .models import AccountChange, Invitation


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "sent_on", "expires_at", "accepted_on", "revoked_on"]
    list_filter = ["role"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["token_hash", "created_by", "created_at", "accepted_on", "user"]


@admin.register(AccountChange)
class AccountChangeAdmin(admin.ModelAdmin):
    list_display = ["user", "active", "reason", "changed_by", "changed_at"]
    list_filter = ["active"]
