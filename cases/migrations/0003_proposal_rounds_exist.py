"""Every round a proposal names exists before proposals point at rounds.

The proposals of OmaStadi rounds 1-3 were imported before their rounds
were (the plans import creates them); such a round is created here under
the name that import gives it, so the foreign key (0004) links every
existing proposal by its round number.
"""

from django.db import migrations


def rounds_for_proposals(apps, schema_editor):
    Round = apps.get_model("budgeting", "Round")
    BudgetProposal = apps.get_model("cases", "BudgetProposal")
    named = set(BudgetProposal.objects.values_list("round", flat=True).distinct())
    known = set(Round.objects.values_list("number", flat=True))
    Round.objects.bulk_create(
        Round(number=number, name=f"OmaStadi, round {number}")
        for number in sorted(named - known)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("budgeting", "0004_results_published_and_implementation_dates"),
        ("cases", "0002_location_web"),
    ]

    operations = [
        migrations.RunPython(rounds_for_proposals, migrations.RunPython.noop),
    ]
