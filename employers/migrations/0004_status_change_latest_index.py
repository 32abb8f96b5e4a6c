# An index for an employer's latest status change before a date (the retention KPI).

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('employers', '0003_list_order_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='employerstatuschange',
            index=models.Index(fields=['employer', '-changed_on', '-id'], name='statuschange_latest'),
        ),
    ]
