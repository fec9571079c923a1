"""Builds the report from the three fetches (about 2 s)."""
import time

from weft_step import inputs, outputs

data = inputs()
time.sleep(2)
users = data["user_data"]["users"]
products = data["product_data"]["products"]
stock = data["inventory_data"]["stock"]
out_of_stock = [p["sku"] for p in products if stock.get(p["sku"], 0) == 0]
stock_value = round(sum(p["price"] * stock.get(p["sku"], 0) for p in products), 2)
report = {
    "users": len(users),
    "orders": sum(u["orders"] for u in users),
    "products": len(products),
    "outOfStock": out_of_stock,
    "stockValue": stock_value,
}
print("report:", report)
outputs(report)
