"""Fetches stock levels (simulated: about 2 s of I/O)."""
import time

from weft_step import outputs

time.sleep(2)
stock = {"A-100": 4, "B-200": 0, "C-300": 250}
print(f"fetched stock for {len(stock)} SKUs")
outputs({"stock": stock})
