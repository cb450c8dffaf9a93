"""Documents the program writes: data in, bytes out.

A renderer takes plain domain data (a frozen report, a handout's content) and returns the
file's bytes; it never opens the database, never asks the clock and never imports Qt, so the
window, the command line and a scheduled job all get the same file from the same data.
Fixed words come from ``i18n.catalog(language)``: a document is in its reader's language,
whatever the window shows.
"""
