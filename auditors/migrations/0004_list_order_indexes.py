# Indexes in the orders the staff lists and the API read (newest first, by expiry, by next deadline).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('auditors', '0003_standing_reminders'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='coursecompletion',
            index=models.Index(fields=['-completed_on', 'id'], name='completion_newest'),
        ),
    ]
