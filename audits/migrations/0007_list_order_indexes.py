# Indexes in the orders the staff lists and the API read (newest first, by expiry, by next deadline).

import datetime
import django.db.models.functions.comparison
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audits', '0006_reuse_previous_audit'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='audit',
            index=models.Index(django.db.models.functions.comparison.Least(models.Case(models.When(models.Q(('notice_due__isnull', False), ('status__in', ('planned',))), then=models.F('notice_due')), default=models.Value(datetime.date(9999, 12, 31)), output_field=models.DateField()), models.Case(models.When(models.Q(('onsite_due__isnull', False), ('status__in', ('planned', 'notice_filed', 'in_progress'))), then=models.F('onsite_due')), default=models.Value(datetime.date(9999, 12, 31)), output_field=models.DateField()), models.Case(models.When(models.Q(('status__in', ('onsite_complete',)), ('submission_due__isnull', False)), then=models.F('submission_due')), default=models.Value(datetime.date(9999, 12, 31)), output_field=models.DateField()), models.Case(models.When(models.Q(('final_due__isnull', False), ('status__in', ('planned', 'notice_filed', 'in_progress', 'onsite_complete', 'returned'))), then=models.F('final_due')), default=models.Value(datetime.date(9999, 12, 31)), output_field=models.DateField())), models.F('id'), name='audit_next_due'),
        ),
        migrations.AddIndex(
            model_name='audit',
            index=models.Index(fields=['-starts_on', '-id'], name='audit_newest'),
        ),
        migrations.AddIndex(
            model_name='certificate',
            index=models.Index(fields=['expires_on', 'id'], name='certificate_expires_on'),
        ),
        migrations.AddIndex(
            model_name='certificate',
            index=models.Index(fields=['-certified_on', '-id'], name='certificate_newest'),
        ),
    ]
