"""One router per API resource; ``netops.api.app`` includes each with one line."""
