import fc from 'fast-check';
import { senderOf, sendsHere, type KnownPeer, type Notifier } from '../../machines/notify/sender-rule';

const id = fc.stringMatching(/^[0-9a-f]{4}$/);
const node = fc.record({ id, name: fc.stringMatching(/^[a-z]{1,6}$/), targets: fc.boolean(), live: fc.boolean() });

interface Node {
  id: string;
  name: string;
  targets: boolean;
  live: boolean;
}

/** What node `me` knows of the others: their TXT `notify=` when they carry targets, and whether they answer. */
const knownBy = (me: Node, nodes: readonly Node[]): KnownPeer[] =>
  nodes
    .filter((other) => other !== me)
    .map((other) => ({ notify: other.targets ? other.id : null, name: other.name, live: other.live }));

const self = (me: Node): Notifier | null => (me.targets ? { id: me.id, name: me.name } : null);

describe('who sends the household’s notifications', () => {
  it('every live node with targets, knowing the same household, computes the same sender, in any order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(node, { minLength: 1, maxLength: 8, selector: (n) => `${n.id} ${n.name}` }),
        fc.context(),
        (nodes, ctx) => {
          const live = nodes.filter((n) => n.live);
          const senders = live.map((me) => {
            const sender = senderOf(self(me), knownBy(me, live).reverse());
            return sender === null ? null : `${sender.id} ${sender.name}`;
          });
          ctx.log(JSON.stringify(senders));
          expect(new Set(senders).size).toBeLessThanOrEqual(1);
          const withTargets = live.filter((n) => n.targets);
          // Exactly one of them sends, and it carries targets; none when none carries any.
          const sending = withTargets.filter((me) => sendsHere({ id: me.id, name: me.name }, knownBy(me, live)));
          expect(sending).toHaveLength(withTargets.length === 0 ? 0 : 1);
        },
      ),
    );
  });

  it('the lowest id sends; a silent one is passed over, and the next takes over', () => {
    const peers: KnownPeer[] = [
      { notify: '00aa', name: 'hall', live: true },
      { notify: null, name: 'attic', live: true },
    ];
    expect(sendsHere({ id: '3f2a', name: 'kitchen' }, peers)).toBe(false);
    expect(sendsHere({ id: '3f2a', name: 'kitchen' }, [{ ...peers[0], live: false }, peers[1]])).toBe(true);
    // An original node, or one of ours without targets, is never chosen.
    expect(senderOf(null, [peers[1]])).toBeNull();
  });

  it('two nodes of one id (a copied SD card) are told apart by name', () => {
    expect(sendsHere({ id: '3f2a', name: 'hall' }, [{ notify: '3f2a', name: 'kitchen', live: true }])).toBe(true);
    expect(sendsHere({ id: '3f2a', name: 'kitchen' }, [{ notify: '3f2a', name: 'hall', live: true }])).toBe(false);
  });
});
