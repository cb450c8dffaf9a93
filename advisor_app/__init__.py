"""advisor_app: the municipal relatives' advisor's (pårørendevejleder's) desktop program."""

__version__ = "0.1.0"
