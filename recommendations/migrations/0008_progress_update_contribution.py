"""Supporting agencies' updates become contributions: shown, never the status (issue 15).

Existing updates are marked by the same rule the service applies to new ones
(services.is_contribution): posted for an agency other than the lead agency, by someone
who is not a board administrator.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models import F, Q


def mark_contributions(apps, schema_editor):
    ProgressUpdate = apps.get_model("recommendations", "ProgressUpdate")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    administer = Q(codename="administer_review", content_type__app_label="recommendations")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.filter(administer).first()
    administrators = Q(is_superuser=True)
    if permission is not None:
        administrators |= Q(groups__permissions=permission) | Q(user_permissions=permission)
    ProgressUpdate.objects.exclude(agency=F("recommendation__lead_agency")).exclude(
        author__in=User.objects.filter(administrators).values("pk")
    ).update(contribution=True)


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0007_actions"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalprogressupdate",
            name="contribution",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name="progressupdate",
            name="contribution",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(mark_contributions, migrations.RunPython.noop),
    ]
