# Indexes in the orders the staff lists and the API read (newest first, by expiry, by next deadline).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('employers', '0002_interaction_portal_request_kinds'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='gapanalysis',
            index=models.Index(fields=['offered_on', 'id'], name='gapanalysis_offered_on'),
        ),
        migrations.AddIndex(
            model_name='interaction',
            index=models.Index(fields=['-occurred_on', '-id'], name='interaction_newest'),
        ),
    ]
