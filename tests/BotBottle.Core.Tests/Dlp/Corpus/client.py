import os
import hashlib
import requests

API_BASE = "https://api.example.com/v1"
API_KEY = os.environ.get("EXAMPLE_API_KEY", "")  # never hard-code keys
SECRET_KEY_NAME = "secret_access_key"


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def list_items(page: int = 1, per_page: int = 100) -> list[dict]:
    response = requests.get(
        f"{API_BASE}/items",
        params={"page": page, "per_page": per_page},
        headers={"Authorization": f"Bearer {API_KEY}", "User-Agent": "example-client/2.3.1"},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()["items"]


if __name__ == "__main__":
    for item in list_items():
        print(item["id"], item["name"], fingerprint(item["name"].encode()))
