"""A registry of checks: each check is a function of the target under test that raises
AssertionError when the target fails it; its name is its test id."""

from __future__ import annotations

import functools
from collections.abc import Callable


class Checks(dict[str, Callable[..., None]]):
    """Checks by name, in the order they were added."""

    def add(self, name: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
        """A decorator: register the function as the check ``name``."""

        def register(function: Callable[..., None]) -> Callable[..., None]:
            assert name not in self, f"two checks named {name}"
            self[name] = function
            return function

        return register

    def family(self, prefix: str, variants: dict[str, str], function: Callable[..., None]) -> None:
        """Register ``function(target, value=value)`` as ``prefix-name`` for each name, value."""
        for name, value in variants.items():
            one = functools.partial(function, value=value)
            one.__doc__ = function.__doc__
            self.add(f"{prefix}-{name}")(one)
