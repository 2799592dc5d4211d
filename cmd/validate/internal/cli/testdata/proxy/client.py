"""A client of the Affinity API in Python, as a team's integration would be, used by
proxy_clients_test.go: run against validate mock directly and through validate proxy,
it must print the same. Usage: python3 client.py BASE_URL KEY"""
import json
import sys

import requests

base, key = sys.argv[1].rstrip("/"), sys.argv[2]
s = requests.Session()
s.auth = ("", key)
results = []


def call(method, path, **kw):
    r = s.request(method, base + path, timeout=30, **kw)
    try:
        body = r.json()
    except ValueError:
        body = r.text
    results.append({"call": method + " " + path, "status": r.status_code,
                    "content_type": r.headers.get("Content-Type"), "body": body})
    return body


call("GET", "/organizations", params={"page_size": 2})  # the mock's planted answer
page = call("GET", "/organizations", params={"page_size": 2})
call("GET", "/organizations/%d" % page["organizations"][0]["id"])
call("GET", "/lists")
call("POST", "/organizations", json={"name": "Client Co", "domain": "client.example"})
call("GET", "/organizations/999999")
print(json.dumps(results, indent=1, sort_keys=True))
