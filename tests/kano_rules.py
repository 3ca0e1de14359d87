"""Kano's evaluation table written as rules (Kano et al. 1984), not as a lookup: the tests' own reading of it."""


def category_by_rules(functional: str, dysfunctional: str) -> str:
    """A for attractive, O one-dimensional, M must-be, I indifferent, R reverse, Q questionable."""
    if functional == dysfunctional and functional in ("like", "dislike"):
        return "Q"
    if functional == "like":
        return "O" if dysfunctional == "dislike" else "A"
    if functional == "dislike" or dysfunctional == "like":
        return "R"
    return "M" if dysfunctional == "dislike" else "I"
