import { bridgeTopics, discoveryMessages, statePayload } from '../../src/mqtt/home-assistant';
import type { NodeView } from '../../machines/node/node-view';
import { viewOf } from '../support/web-harness';

const topics = bridgeTopics({ topic: 'home/cats', haDiscovery: 'homeassistant' }, '3f2a');
const identity = { id: '3f2a', name: 'kitchen-3f2a', version: '1.2.3', pageUrl: 'http://kitchen.local:5380/' };
const view = (lastCleaned: number | null, level: NodeView['level']) => viewOf({ lastCleaned, level });

describe('Home Assistant discovery', () => {
  it('names the node’s topics under the prefix', () => {
    expect(topics).toEqual({
      availability: 'home/cats/3f2a/availability',
      state: 'home/cats/3f2a/state',
      session: 'home/cats/3f2a/session',
      household: 'home/cats/household/last_cleaned',
      haStatus: 'homeassistant/status',
    });
    expect(bridgeTopics({ topic: 'x', haDiscovery: null }, '3f2a').haStatus).toBeNull();
  });

  it('is due from soon onwards, and says an unknown time as null', () => {
    expect(JSON.parse(statePayload(view(null, 'unknown')))).toEqual({
      lastCleaned: null,
      level: 'unknown',
      due: false,
      colour: '#000014',
      quiet: false,
    });
    expect(JSON.parse(statePayload(view(Date.UTC(2026, 11, 1, 8, 30), 'settled')))).toMatchObject({
      lastCleaned: '2026-12-01T08:30:00+00:00',
      due: false,
    });
    for (const level of ['soon', 'now', 'overdue'] as const) {
      expect(JSON.parse(statePayload(view(0, level))).due).toBe(true);
    }
  });

  it('describes one device of four entities, the same for the same node', () => {
    const messages = discoveryMessages('homeassistant', topics, identity, 'home/cats/household/clean');
    expect([...messages.keys()]).toEqual([
      'homeassistant/sensor/cat_litter_reminder_3f2a/last_cleaned/config',
      'homeassistant/sensor/cat_litter_reminder_3f2a/level/config',
      'homeassistant/binary_sensor/cat_litter_reminder_3f2a/due/config',
      'homeassistant/button/cat_litter_reminder_3f2a/clean/config',
    ]);
    const button = JSON.parse(messages.get('homeassistant/button/cat_litter_reminder_3f2a/clean/config') ?? '{}');
    expect(button).toMatchObject({
      name: 'Cleaned now',
      command_topic: 'home/cats/household/clean',
      payload_press: 'PRESS',
      unique_id: 'cat-litter-reminder-3f2a-clean',
      device: { identifiers: ['cat-litter-reminder-3f2a'], name: 'kitchen-3f2a', configuration_url: identity.pageUrl },
    });
    // Home Assistant 2025.10 deprecated object_id (2026.4 drops it): a whole entity id, its domain first, instead.
    const payloads = [...messages].map(([topic, payload]) => ({
      component: topic.split('/')[1],
      config: JSON.parse(payload) as Record<string, unknown>,
    }));
    for (const { config } of payloads) expect(config).not.toHaveProperty('object_id');
    expect(
      Object.fromEntries(
        payloads.map(({ component, config }) => [component + ' ' + String(config.name), config.default_entity_id]),
      ),
    ).toEqual({
      'sensor Last cleaned': 'sensor.kitchen_3f2a_last_cleaned',
      'sensor Level': 'sensor.kitchen_3f2a_level',
      'binary_sensor Litter box due': 'binary_sensor.kitchen_3f2a_litter_box_due',
      'button Cleaned now': 'button.kitchen_3f2a_cleaned_now',
    });
    // A rename changes the device's name, never the ids Home Assistant keeps.
    const renamed = discoveryMessages(
      'homeassistant',
      topics,
      { ...identity, name: 'kitchen-3f2a-2', pageUrl: null },
      'home/cats/household/clean',
    );
    for (const [topic, payload] of renamed) {
      const before = JSON.parse(messages.get(topic) ?? '{}') as { unique_id: string };
      const after = JSON.parse(payload) as { unique_id: string; device: Record<string, unknown> };
      expect(after.unique_id).toBe(before.unique_id);
      expect(after.device.configuration_url).toBeUndefined();
    }
  });
});
