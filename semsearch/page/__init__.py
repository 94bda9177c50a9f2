"""What the page needs besides layout: strings, samples, state. Never imports streamlit.

Not a public API: these modules serve ``app.py`` and ``app_views/`` and change with the
page, so this package re-exports nothing (import from its modules). Everything a script
or a notebook may want is in :mod:`semsearch` and its other subpackages.
"""
