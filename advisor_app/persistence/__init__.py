"""SQLAlchemy storage: typed models, the Database object, migrations."""
