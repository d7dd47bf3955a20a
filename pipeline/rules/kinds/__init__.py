"""One module per family of rule kinds; each exposes ``check(pack, rule, state)``."""
