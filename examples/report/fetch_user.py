"""Fetches the users (simulated: about 2 s of I/O)."""
import os
import time

from weft_step import outputs

time.sleep(2)
users = [
    {"id": 1, "name": "Ada", "region": os.environ.get("REGION", "eu"), "orders": 12},
    {"id": 2, "name": "Grace", "region": os.environ.get("REGION", "eu"), "orders": 7},
    {"id": 3, "name": "Linus", "region": "us", "orders": 3},
]
print(f"fetched {len(users)} users")
outputs({"count": len(users), "users": users})
