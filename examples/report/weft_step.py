"""Tiny helpers for Weft steps: read the inputs, write the outputs (SPEC section 4)."""
import json
import os


def inputs():
    """The step's resolved inputs (the JSON object in the file named by WEFT_INPUTS)."""
    with open(os.environ["WEFT_INPUTS"], encoding="utf-8") as f:
        return json.load(f)


def outputs(values):
    """Writes the step's outputs: one JSON object to the file named by WEFT_OUTPUTS."""
    with open(os.environ["WEFT_OUTPUTS"], "w", encoding="utf-8") as f:
        json.dump(values, f)
