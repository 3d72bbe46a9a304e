"""Resolves NAME.local as a resolver independent of ours would: with python-zeroconf's
packets, by a multicast query from port 5353 (as an mDNS stack does) or a one-shot query
from a port of its own (RFC 6762 §6.7, as a plain resolver does), or the SRV record of an
instance. Prints JSON. Usage:
  mdns-resolve.py a NAME.local multicast|oneshot    -> [[address, sender], ...]
  mdns-resolve.py srv INSTANCE SERVICE-TYPE         -> {"server": ..., "port": ..., "addresses": [IPv4, ...]}
"""
import json
import socket
import sys
import time

from zeroconf import DNSIncoming, DNSOutgoing, DNSQuestion, IPVersion, ServiceInfo, Zeroconf
from zeroconf.const import _CLASS_IN, _FLAGS_QR_QUERY, _TYPE_A

WAIT_S = 1.5


def resolve_a(name, how):
    name = name if name.endswith('.') else name + '.'
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if how == 'multicast':
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        s.bind(('', 5353))
        group = socket.inet_aton('224.0.0.251') + socket.inet_aton('0.0.0.0')
        s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, group)
    else:
        s.bind(('', 0))
    query = DNSOutgoing(_FLAGS_QR_QUERY)
    query.add_question(DNSQuestion(name, _TYPE_A, _CLASS_IN))
    s.sendto(query.packets()[0], ('224.0.0.251', 5353))
    end = time.time() + WAIT_S
    seen = set()
    while time.time() < end:
        s.settimeout(max(0.01, end - time.time()))
        try:
            data, sender = s.recvfrom(9000)
        except socket.timeout:
            break
        message = DNSIncoming(data)
        if not message.is_response():
            continue
        for record in message.answers:
            if record.type == _TYPE_A and record.name.lower() == name.lower():
                seen.add((socket.inet_ntoa(record.address), sender[0]))
    return sorted(seen)


def resolve_srv(instance, service_type):
    zc = Zeroconf(interfaces=['0.0.0.0'])
    try:
        info = zc.get_service_info(service_type, f'{instance}.{service_type}', 3000)
        if info is None:
            return None
        # The IPv4 addresses (its A records): an IPv6 link-local one of the same host may
        # come too, or not, as the kernel has it ready when the node reads its interfaces.
        return {'server': info.server, 'port': info.port, 'addresses': info.parsed_addresses(IPVersion.V4Only)}
    finally:
        zc.close()


if sys.argv[1] == 'a':
    print(json.dumps(resolve_a(sys.argv[2], sys.argv[3])))
else:
    print(json.dumps(resolve_srv(sys.argv[2], sys.argv[3])))
