import { HouseholdSightings, type Sighting } from '../../src/household/sightings';
import { capturingLogger } from '../support/capturing-logger';

const OURS = '630dcd29';
const THEIRS = 'ffff0000';
const node = (address: string, household: string | null, ours = true): Sighting => ({
  name: `node-${address}`,
  address,
  ours,
  household,
  http: ours ? 5380 : null,
});

function sightings(originals = true) {
  const { log, records } = capturingLogger();
  const proofs: string[] = [];
  const seen = new HouseholdSightings(
    originals,
    log,
    () => undefined,
    (address) => proofs.push(address),
  );
  return { seen, records, proofs };
}

describe('who a node with a household key trusts', () => {
  it('exchanges with anyone without a key', () => {
    const { seen } = sightings();
    seen.sighted(node('10.0.0.3', THEIRS));
    expect(seen.mayExchange('10.0.0.3')).toBe(true);
    expect(seen.isOtherHousehold('10.0.0.3')).toBe(false);
  });

  it('takes times from members, --peers and nodes without a key; refuses another household and the unproven', () => {
    const { seen } = sightings();
    seen.newKey(OURS);
    seen.setPeers([{ address: '10.0.0.5', port: 5300 }]);
    seen.sighted(node('10.0.0.2', OURS));
    seen.sighted(node('10.0.0.3', THEIRS));
    seen.sighted(node('10.0.0.4', null, false));
    seen.sighted(node('10.0.0.6', null));
    expect(seen.untrusted('10.0.0.2')).toBe('a node that says it holds the household key but has not proved it yet');
    seen.proven('10.0.0.2');
    expect(seen.untrusted('10.0.0.2')).toBeUndefined();
    expect(seen.untrusted('10.0.0.3')).toBe(`a node of another household (key ${THEIRS})`);
    expect(seen.untrusted('10.0.0.4')).toBeUndefined();
    expect(seen.untrusted('10.0.0.5')).toBeUndefined();
    expect(seen.untrusted('10.0.0.6')).toBeUndefined();
    expect(seen.untrusted('10.0.0.9')).toBe('not a member of the household, nor a --peer');
  });

  it('with originals refused, takes no time from a node without a key, but still from a --peer', () => {
    const { seen } = sightings(false);
    seen.newKey(OURS);
    seen.setPeers([{ address: '10.0.0.4', port: 5300 }]);
    seen.sighted(node('10.0.0.4', null, false));
    seen.sighted(node('10.0.0.7', null, false));
    seen.sighted(node('10.0.0.6', null));
    expect(seen.untrusted('10.0.0.4')).toBeUndefined();
    expect(seen.untrusted('10.0.0.7')).toBe('an original node, and household.originals is false');
    expect(seen.untrusted('10.0.0.6')).toBe('a node without the household key, and household.originals is false');
  });

  it('exchanges the history with its own household alone, and lists another apart', () => {
    const { seen } = sightings();
    seen.newKey(OURS);
    seen.sighted(node('10.0.0.2', OURS));
    seen.sighted(node('10.0.0.3', THEIRS));
    seen.sighted(node('10.0.0.6', null));
    expect(seen.mayExchange('10.0.0.2')).toBe(true);
    expect(seen.mayExchange('10.0.0.3')).toBe(false);
    expect(seen.mayExchange('10.0.0.6')).toBe(false);
    // A --peer mDNS never described: tried, its answers must verify.
    expect(seen.mayExchange('10.0.0.9')).toBe(true);
    expect(seen.lists().otherHouseholds).toEqual([{ address: '10.0.0.3', name: 'node-10.0.0.3', fingerprint: THEIRS }]);
  });

  it('asks a node that claims our key to prove it, says a member once, and forgets members with a new key', () => {
    const { seen, records, proofs } = sightings();
    seen.newKey(OURS);
    seen.sighted(node('10.0.0.2', OURS));
    seen.sighted(node('10.0.0.3', THEIRS));
    expect(proofs).toEqual(['10.0.0.2']);
    seen.proven('10.0.0.2');
    seen.proven('10.0.0.2');
    expect(records.filter((record) => record.event === 'household.member')).toHaveLength(1);
    seen.newKey(THEIRS);
    expect(seen.lists().members).toEqual([]);
    expect(proofs).toEqual(['10.0.0.2', '10.0.0.3']);
  });

  it("counts the boxes and names a node announces: anyone's without a key, a member's alone with one", () => {
    const { seen } = sightings();
    seen.sighted(node('10.0.0.2', OURS));
    expect(seen.counts('10.0.0.2')).toBe(true);
    seen.newKey(OURS);
    // It says it holds our key: anyone can, by copying our fingerprint.
    expect(seen.counts('10.0.0.2')).toBe(false);
    seen.proven('10.0.0.2');
    expect(seen.counts('10.0.0.2')).toBe(true);
    expect(seen.counts('10.0.0.9')).toBe(false);
  });

  it('remembers 256 nodes at most', () => {
    const { seen } = sightings();
    seen.newKey(OURS);
    for (let i = 0; i < 1000; i += 1) seen.sighted(node(`10.1.${Math.floor(i / 256)}.${i % 256}`, THEIRS));
    expect(seen.lists().otherHouseholds).toHaveLength(256);
  });
});
