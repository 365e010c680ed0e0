"""The shared vocabulary of dhtt: codes, the decision's types, quarters, quota rules, the units
directory's types and all the Vietnamese wording. Every other package may import it; it imports
none of them (tests/test_layers.py checks)."""
