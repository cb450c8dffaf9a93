"""Development tools: programs that help build, show and measure advisor_app, not part of
what an advisor uses. Today that is the demo data (``devtools.demo``), which the CLI's
``demo-data`` command and ``benchmarks/scale.py`` call.

Nothing in domain, persistence, services or ui imports this package, and it never imports
Qt; it sits beside ``ui`` above the services (.importlinter states both).
"""
