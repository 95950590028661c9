"""The recommendations app's pages, one module per page family: ``dashboard``, ``reviews``,
``paste`` (pasting recommendations), ``recommendations``, ``actions`` (actions and updates)
and ``meetings``; ``common`` holds what they share. Reading pages are open to every signed-in
role; every write is one service call, run through ``scrutiny.editing`` (a stale edit: 409; a
record gone: 410), and every view checks permission on the server (``scrutiny.permissions``).
Each list and detail page reads a fixed number of queries, locked in by
tests/test_query_counts.py."""
