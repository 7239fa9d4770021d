"""What the tests share: the real project and throw-away ones, an app in-process, real server
processes. Fixtures stay in conftest.py; everything a test imports is here."""
