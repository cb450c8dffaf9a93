"""One module per capability; each public method is one unit of work (one transaction).

Services take an Actor, check access, write the audit event in the same transaction, and
return frozen dataclasses from ``dto``: never ORM objects.
"""
