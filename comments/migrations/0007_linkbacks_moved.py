"""Personal tokens and verified sites move to the linkbacks app (in these same tables): a
comment's token points there, then the models leave this app's state."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0006_verified_sites"),
        ("linkbacks", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="comment",
                    name="token",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="pings",
                        to="linkbacks.trackbacktoken",
                    ),
                ),
                migrations.DeleteModel(name="TrackbackToken"),
                migrations.DeleteModel(name="VerifiedSite"),
            ],
        ),
    ]
