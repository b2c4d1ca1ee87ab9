from django.db import migrations


def seed(apps, schema_editor):
    Team = apps.get_model("shop", "Team")
    Team.objects.using(schema_editor.connection.alias).get_or_create(name="Staff")


class Migration(migrations.Migration):
    """Data every environment needs: the Staff team the app looks up by name."""

    dependencies = [("shop", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
