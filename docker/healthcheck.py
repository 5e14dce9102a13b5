#!/usr/bin/env python3
"""Docker's health check: ask the server's /healthz from inside the container.

Plain standard library, no Django, so a check costs a few milliseconds. The
request carries a host name the server accepts (the first of ALLOWED_HOSTS),
otherwise Django would answer 400 to "127.0.0.1" on a server configured for
"hibi.example.home".
"""

import json
import os
import sys
import urllib.request


def host_name() -> str:
    for entry in os.environ.get("ALLOWED_HOSTS", "localhost").split(","):
        entry = entry.strip().lstrip(".")
        if entry and entry != "*":
            return entry
    return "localhost"


def main() -> int:
    port = os.environ.get("PORT", "8000")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz", headers={"Host": host_name()}
    )
    # Never through an HTTP proxy from the environment: this is a local question.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=4) as response:
            status = json.load(response).get("status")
    except (OSError, ValueError) as exc:
        print(f"unhealthy: {exc}")
        return 1
    print(status)
    return 0 if status == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
