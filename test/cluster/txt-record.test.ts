import type { NetworkInterfaceInfo } from 'node:os';
import {
  advertisedName,
  candidateName,
  defaultInstanceName,
  hostLabel,
  hostNameOf,
} from '../../src/cluster/mdns-names';
import { describePeer, isOurs, txtRecord, txtValue } from '../../src/cluster/txt-record';
import { DEFAULT_THRESHOLDS } from '../../machines/reminder/levels';
import { pickAddress, sameSubnet } from '../../src/cluster/subnets';
import type { Interfaces } from '../../src/cluster/network-interfaces';

function v4(address: string, netmask: string, internal = false): NetworkInterfaceInfo {
  return { address, netmask, family: 'IPv4', mac: '02:00:00:00:00:01', internal, cidr: null };
}

const interfaces: Interfaces = {
  lo: [v4('127.0.0.1', '255.0.0.0', true)],
  eth0: [v4('192.168.1.20', '255.255.255.0')],
  wlan0: [v4('10.1.0.5', '255.255.0.0')],
};

describe('TXT records', () => {
  it('reads strings and Buffers', () => {
    expect(txtValue({ impl: 'x' }, 'impl')).toBe('x');
    expect(txtValue({ impl: Buffer.from('x') }, 'impl')).toBe('x');
    expect(txtValue({ impl: 3 }, 'impl')).toBeUndefined();
    expect(txtValue(undefined, 'impl')).toBeUndefined();
    expect(txtValue(null, 'impl')).toBeUndefined();
  });

  it('knows our marker', () => {
    expect(isOurs({ impl: 'cat-litter-reminder-ts', proto: '1' })).toBe(true);
    expect(isOurs({ impl: Buffer.from('cat-litter-reminder-ts') })).toBe(true);
    expect(isOurs({})).toBe(false);
    expect(isOurs({ impl: 'something-else' })).toBe(false);
  });
});

describe('address picking', () => {
  it('compares subnets', () => {
    expect(sameSubnet('192.168.1.7', '192.168.1.20', '255.255.255.0')).toBe(true);
    expect(sameSubnet('192.168.2.7', '192.168.1.20', '255.255.255.0')).toBe(false);
    expect(sameSubnet('200.1.2.3', '200.1.9.9', '255.255.0.0')).toBe(true);
    expect(sameSubnet('fe80::1', '192.168.1.20', '255.255.255.0')).toBe(false);
  });

  it('prefers where the packet came from', () => {
    expect(pickAddress({ address: '192.168.1.7' }, ['10.9.9.9'], () => interfaces)).toBe('192.168.1.7');
  });

  it('else an address on one of our subnets, else the first IPv4', () => {
    expect(pickAddress(undefined, ['fe80::1', '172.17.0.1', '10.1.3.4'], () => interfaces)).toBe('10.1.3.4');
    expect(pickAddress(undefined, ['fe80::1', '172.17.0.1', '172.18.0.1'], () => interfaces)).toBe('172.17.0.1');
    expect(pickAddress({ address: 'fe80::1' }, ['172.17.0.1'], () => interfaces)).toBe('172.17.0.1');
  });

  it('does not count loopback as a subnet of ours', () => {
    expect(pickAddress(undefined, ['127.0.0.5', '172.17.0.1'], () => ({ lo: interfaces.lo }))).toBe('127.0.0.5');
    expect(pickAddress(undefined, ['172.17.0.1', '127.0.0.5'], () => interfaces)).toBe('172.17.0.1');
  });

  it('gives up without an IPv4 address', () => {
    expect(pickAddress(undefined, [], () => interfaces)).toBeNull();
    expect(pickAddress(undefined, ['fe80::1'], () => interfaces)).toBeNull();
  });
});

describe('peers', () => {
  const service = { name: 'kitchen-3f2a', port: 5301, referer: { address: '192.168.1.7' }, addresses: [] };

  it('one of ours is reached at the port it advertises, and says where its page is', () => {
    const txt = { impl: 'cat-litter-reminder-ts', proto: '1', http: '5380' };
    expect(describePeer({ ...service, txt }, 5300, () => interfaces)).toEqual({
      name: 'kitchen-3f2a',
      address: '192.168.1.7',
      port: 5301,
      ours: true,
      http: 5380,
      levels: null,
    });
    for (const http of ['0', '65536', 'x', '']) {
      expect(describePeer({ ...service, txt: { ...txt, http } }, 5300, () => interfaces)?.http).toBeNull();
    }
  });

  it('one of ours that carries notification targets says its instance id (notify=), nothing else of them', () => {
    const txt = { impl: 'cat-litter-reminder-ts', proto: '1', notify: '3F2A' };
    expect(describePeer({ ...service, txt }, 5300, () => interfaces)?.notify).toBe('3f2a');
    for (const notify of ['', 'x', '3f2a5', 'ntfy://h/t']) {
      expect(describePeer({ ...service, txt: { ...txt, notify } }, 5300, () => interfaces)?.notify).toBeUndefined();
    }
    // An original node's TXT means nothing.
    expect(describePeer({ ...service, txt: { notify: '3f2a' } }, 5300, () => interfaces)?.notify).toBeUndefined();
    expect(txtRecord(5380, DEFAULT_THRESHOLDS, { notify: '3f2a' })).toMatchObject({ notify: '3f2a' });
    expect(txtRecord(5380, DEFAULT_THRESHOLDS)).not.toHaveProperty('notify');
  });

  it('a Rust node advertises 5200 but is reached at the cluster port', () => {
    expect(describePeer({ ...service, port: 5200, txt: {} }, 5300, () => interfaces)).toEqual({
      name: 'kitchen-3f2a',
      address: '192.168.1.7',
      port: 5300,
      ours: false,
      http: null,
      levels: null,
    });
  });

  it('none at a port no datagram can reach, and no control characters in names', () => {
    const txt = { impl: 'cat-litter-reminder-ts', proto: '1' };
    for (const port of [0, 65536, 1.5])
      expect(describePeer({ ...service, port, txt }, 5300, () => interfaces)).toBeNull();
    expect(describePeer({ ...service, name: 'kit\u001b[2Jchen', txt }, 5300, () => interfaces)?.name).toBe(
      'kit?[2Jchen',
    );
  });

  it('none without an address', () => {
    expect(describePeer({ name: 'x', port: 1, addresses: ['fe80::1'] }, 5300, () => interfaces)).toBeNull();
  });
});

describe('names', () => {
  it('host name plus suffix, one DNS label', () => {
    expect(defaultInstanceName('raspberrypi', '3f2a')).toBe('raspberrypi-3f2a');
    expect(defaultInstanceName('pi.home.lan', '3f2a')).toBe('pi-3f2a');
    expect(defaultInstanceName('', '3f2a')).toBe('cat-3f2a');
    expect(defaultInstanceName('a_b c', '3f2a')).toBe('a-b-c-3f2a');
    expect(defaultInstanceName('x'.repeat(80), '3f2a').length).toBeLessThanOrEqual(63 - 4);
  });

  it('renames after a conflict', () => {
    expect([1, 2, 3].map((attempt) => candidateName('kitchen', attempt))).toEqual([
      'kitchen',
      'kitchen-2',
      'kitchen-3',
    ]);
  });

  it('advertises dots as dashes, as bonjour-service does', () => {
    expect(advertisedName('a.b')).toBe('a-b');
  });

  it('makes a host name of its own of the instance name: one DNS label, renamed as the name is', () => {
    expect(hostNameOf('kitchen-3f2a')).toBe('kitchen-3f2a.local');
    expect(hostNameOf(candidateName('kitchen-3f2a', 2))).toBe('kitchen-3f2a-2.local');
    expect(hostLabel('Küche am Fenster')).toBe('Kuche-am-Fenster');
    expect(hostLabel('kitchen.pi')).toBe(hostLabel(advertisedName('kitchen.pi')));
    expect(hostLabel('-- ?? --')).toBe('cat');
    const long = 'x'.repeat(70);
    expect(hostLabel(long)).toHaveLength(63);
    expect(hostLabel(candidateName(long, 2))).not.toBe(hostLabel(long));
  });
});
