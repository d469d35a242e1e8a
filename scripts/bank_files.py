"""Reading the bank's question files, shared by the checking scripts."""

import tomllib


def questions(content):
    """Yields (file, question table) for every question under `content`, in file order."""
    for path in sorted(content.rglob("*.toml")):
        if path.name == "categories.toml":
            continue
        with path.open("rb") as f:
            data = tomllib.load(f)
        for question in data.get("question", []):
            yield path, question
