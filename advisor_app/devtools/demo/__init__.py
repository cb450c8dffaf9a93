"""Realistic Danish demo data at scale: relatives (pårørende), the citizens they care for
(borgere), relations, consents (samtykker), cases, sessions (vejledningssamtaler), follow-ups
(aftaler), participants and wellbeing check-ins ("hvordan har du det?", CheckIn).

Why it exists: to show the program with believable content, and to prove that its screens and
queries stay fast with 100,000 relatives and a million sessions. Speed is therefore the point
(see ``bulk``): 100,000 relatives with 1,000,000 sessions and 130,000 check-ins take about
72 s on SQLite (2 cores; the check-ins add about 11%). Everything is invented: names are common Danish names combined at
random, CPR numbers are chosen to *fail* modulus 11 (valid for the program, see DOMAIN.md, and
unlike most issued numbers), e-mail addresses use the reserved example.com/.net/.org domains.

The same seed gives the same rows all day (UTC), and the same people (names, contact details,
relations) on any day, with the dates moved along. Existing rows are never touched: ids
continue after each table's current maximum, so a second run with the same seed adds the same
people again under new ids (their CPR numbers redrawn: they stay unique).

One module per concern: ``vocabulary`` (names and phrases), ``clock`` (days and times as
ints), ``people``, ``sessions``, ``follow_ups``, ``check_ins``, ``bulk`` (the writer),
``summary`` and ``generator`` (the run). Demo data for a new capability is a new module with
its own random stream (see ``generator``), its tables in ``bulk.TABLE_ORDER``, and a call in
``generator._Relatives.relative``.
"""

from advisor_app.devtools.demo.bulk import TABLE_ORDER
from advisor_app.devtools.demo.generator import DemoDataGenerator
from advisor_app.devtools.demo.summary import DemoSummary

__all__ = ["TABLE_ORDER", "DemoDataGenerator", "DemoSummary"]
