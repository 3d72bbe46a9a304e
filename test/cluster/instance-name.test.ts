import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultInstanceName } from '../../src/cluster/mdns-names';
import { nameTakenAtStart, nodeIdentity, type Renewal } from '../../src/cluster/instance-name';

describe('nodeIdentity', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cat-name-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('takes --name as is, and keeps an id all the same', () => {
    const identity = nodeIdentity('Kitchen Box', dir);
    expect(identity.name).toBe('Kitchen Box');
    expect(identity.id).toMatch(/^[0-9a-f]{4}$/);
    expect(fs.readFileSync(path.join(dir, 'instance-id'), 'utf8').trim()).toBe(identity.id);
  });

  it('keeps the suffix in <stateDir>/instance-id, creating the directory', () => {
    const stateDir = path.join(dir, 'nested', 'state');
    const first = nodeIdentity(null, stateDir);
    expect(first.name).toMatch(/-[0-9a-f]{4}$/);
    expect(first.name.startsWith(defaultInstanceName(os.hostname(), '').slice(0, -1))).toBe(true);
    expect(fs.readFileSync(path.join(stateDir, 'instance-id'), 'utf8').trim()).toBe(first.name.slice(-4));
    expect(nodeIdentity(null, stateDir)).toEqual(first);
  });

  it('replaces a corrupt file', () => {
    fs.writeFileSync(path.join(dir, 'instance-id'), 'not hex');
    const { id } = nodeIdentity(null, dir);
    expect(fs.readFileSync(path.join(dir, 'instance-id'), 'utf8').trim()).toBe(id);
  });

  it('runs with a random suffix and a warning when the file cannot be written', () => {
    // Root ignores permissions, so the directory is made impossible instead: a path under a file.
    const file = path.join(dir, 'file');
    fs.writeFileSync(file, '');
    const warn = jest.fn();
    expect(nodeIdentity(null, path.join(file, 'state'), { warn }).name).toMatch(/-[0-9a-f]{4}$/);
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ event: 'mdns.instance-id' }), expect.any(String));
  });

  it('takes a new id once when mDNS finds its default name taken at start, saves it and says so', () => {
    const warn = jest.fn();
    const identity = nodeIdentity(null, dir, { warn });
    const before = identity.id;
    const renewals: Renewal[] = [];
    identity.onRenewed((renewal) => renewals.push(renewal));
    nameTakenAtStart(`${identity.name}-2`);
    expect(identity.id).toBe(before);
    nameTakenAtStart(identity.name);
    expect(identity.id).not.toBe(before);
    expect(renewals).toEqual([
      { from: before, to: identity.id, reason: `its default name ${identity.name} is taken on the network` },
    ]);
    expect(fs.readFileSync(path.join(dir, 'instance-id'), 'utf8')).toBe(`${identity.id}\n`);
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ event: 'identity.renewed', from: before, to: identity.id }),
      expect.any(String),
    );
    // Once a run: someone who keeps taking our names changes nothing more.
    expect(identity.renew('again')).toBe(false);
    expect(renewals).toHaveLength(1);
  });

  it('keeps its id when the name taken is one given with --name', () => {
    const identity = nodeIdentity('kitchen', dir);
    const before = identity.id;
    nameTakenAtStart('kitchen');
    expect(identity.id).toBe(before);
  });
});
