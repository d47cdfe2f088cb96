"""The Django admin's user pages (national administrators), which also email the person when
their email address is changed or a password is set for them (OWASP ASVS 2.2.3)."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .signin import notifications

User = get_user_model()


class UserAdminWithNotices(UserAdmin):
    def save_model(self, request, obj, form, change) -> None:
        before = form.initial.get("email", "") if change else ""
        super().save_model(request, obj, form, change)
        if change and "email" in form.changed_data:
            # To both addresses: the old one's owner is the one to warn.
            for address in dict.fromkeys(a for a in (before, obj.email) if a):
                notifications.notify(request, obj, notifications.EMAIL_CHANGED, email=address,
                                     from_email=before, to_email=obj.email)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, unquote(id))
            notifications.notify(request, user, notifications.PASSWORD_SET_FOR_THEM)
        return response


admin.site.unregister(User)
admin.site.register(User, UserAdminWithNotices)
