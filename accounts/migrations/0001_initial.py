# Security events moved here from the `tracker` project package (which is no longer an app).
# A database made before the move keeps its rows: its `tracker_securityevent` table is
# renamed and its content type (permissions, admin log) relabelled. A new database gets the
# table created as usual.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

OLD_TABLE = "tracker_securityevent"


def adopt_or_create(apps, schema_editor):
    SecurityEvent = apps.get_model("accounts", "SecurityEvent")
    if OLD_TABLE in schema_editor.connection.introspection.table_names():
        schema_editor.alter_db_table(SecurityEvent, OLD_TABLE, SecurityEvent._meta.db_table)
        ContentType = apps.get_model("contenttypes", "ContentType")
        ContentType.objects.using(schema_editor.connection.alias).filter(
            app_label="tracker", model="securityevent"
        ).update(app_label="accounts")
    else:
        schema_editor.create_model(SecurityEvent)


def drop(apps, schema_editor):
    schema_editor.delete_model(apps.get_model("accounts", "SecurityEvent"))


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SecurityEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ('kind', models.CharField(choices=[('signed_in', 'Signed in'), ('sign_in_failed', 'Sign-in failed'), ('signed_out', 'Signed out'), ('locked_out', 'Locked out after failed sign-ins'), ('refused', 'Request refused'), ('report_issued', 'Report issued'), ('downloaded', 'Downloaded')], max_length=20)),
                        ('username', models.CharField(blank=True, help_text='Only a username that exists: never what was typed.', max_length=150)),
                        ('ip_address', models.GenericIPAddressField(blank=True, null=True)),
                        ('method', models.CharField(blank=True, max_length=10)),
                        ('path', models.CharField(blank=True, max_length=300)),
                        ('detail', models.CharField(blank=True, help_text='A page name or a reason code.', max_length=200)),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'ordering': ['-at', '-pk'],
                    },
                ),
            ],
        ),
        migrations.RunPython(adopt_or_create, drop),
    ]
