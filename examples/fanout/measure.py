"""Measures one region (simulated: about 1 s). The item arrives in WEFT_ITEM and in the inputs."""
import json
import os
import time

region = json.load(open(os.environ["WEFT_INPUTS"]))["region"]
time.sleep(1)
latency = 20 + sum(map(ord, region)) % 80
print(f"{region}: {latency} ms (item {os.environ['WEFT_INDEX']})")
json.dump({"region": region, "latencyMs": latency}, open(os.environ["WEFT_OUTPUTS"], "w"))
