"""citykg: the OECD/Bloomberg city innovation capacity profiles as linked data."""

__version__ = "0.2.0"
