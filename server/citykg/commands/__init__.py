"""What each ``citykg`` command does, one module per command; :mod:`citykg.cli` parses the
command line and dispatches here. Commands may use both wings; neither wing imports them."""
