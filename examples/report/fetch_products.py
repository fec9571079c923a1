"""Fetches the product catalogue (simulated: about 2 s of I/O)."""
import time

from weft_step import outputs

time.sleep(2)
products = [
    {"sku": "A-100", "name": "Loom", "price": 120.0},
    {"sku": "B-200", "name": "Shuttle", "price": 15.5},
    {"sku": "C-300", "name": "Bobbin", "price": 2.25},
]
print(f"fetched {len(products)} products")
outputs({"count": len(products), "products": products})
