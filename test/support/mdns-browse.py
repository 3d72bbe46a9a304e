"""What a LAN advertises by mDNS, as an independent implementation (python-zeroconf) sees it.

Usage: python3 mdns-browse.py SECONDS TYPE...   (TYPE such as _cat._udp.local.)
Browses each type for SECONDS, resolves every instance found, and prints one JSON array:
[{"type", "name", "port", "server", "addresses", "txt": {key: value}}].
"""

import json
import sys
import time

from zeroconf import ServiceBrowser, ServiceListener, Zeroconf


class Collector(ServiceListener):
    def __init__(self):
        self.found = set()

    def add_service(self, zc, type_, name):
        self.found.add((type_, name))

    def update_service(self, zc, type_, name):
        self.found.add((type_, name))

    def remove_service(self, zc, type_, name):
        pass


def main():
    seconds = float(sys.argv[1])
    types = sys.argv[2:]
    zc = Zeroconf()
    collector = Collector()
    browsers = [ServiceBrowser(zc, type_, collector) for type_ in types]
    time.sleep(seconds)
    services = []
    for type_, name in sorted(collector.found):
        info = zc.get_service_info(type_, name, timeout=3000)
        if info is None:
            services.append({"type": type_, "name": name, "port": None, "server": None, "addresses": [], "txt": {}})
            continue
        txt = {
            key.decode("utf-8", "replace"): (value.decode("utf-8", "replace") if value is not None else None)
            for key, value in info.properties.items()
        }
        services.append(
            {
                "type": type_,
                "name": name,
                "port": info.port,
                "server": info.server,
                "addresses": info.parsed_addresses(),
                "txt": txt,
            }
        )
    for browser in browsers:
        browser.cancel()
    zc.close()
    print(json.dumps(services))


main()
