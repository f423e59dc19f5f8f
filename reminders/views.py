from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from . import services
from .forms import ReminderPreferenceForm


@require_http_methods(["GET", "POST"])
def preferences(request):
    initial = "yes" if services.receives_reminders(request.user) else "no"
    form = ReminderPreferenceForm(request.POST or None, initial={"receives_reminders": initial})
    if request.method == "POST" and form.is_valid():
        choice = form.cleaned_data["receives_reminders"]
        services.reminder_preference_set(user=request.user, receives_reminders=choice)
        messages.success(
            request,
            "You will receive reminder e-mails."
            if choice
            else "You will not receive reminder e-mails.",
        )
        return redirect("reminders:preferences")
    return render(request, "reminders/preferences.html", {"form": form})
