import { boxDiscoveryMessages, boxIdOf, boxStatePayload, boxTopics, topicFormOf } from '../../src/mqtt/box-devices';
import { bridgeTopics, discoveryMessages } from '../../src/mqtt/home-assistant';

const options = { topic: 'home/cats' };

describe('a box on the broker', () => {
  it('keeps the default box’s time and “Cleaned now” where they were, and gives every other box its own topics', () => {
    expect(boxTopics(options, 'litter box')).toEqual({
      box: 'litter box',
      lastCleaned: 'home/cats/household/last_cleaned',
      state: 'home/cats/household/litter_box/state',
      clean: 'home/cats/household/clean',
      sharedClean: '$share/home_cats/home/cats/household/clean',
      undo: 'home/cats/household/litter_box/undo',
      sharedUndo: '$share/home_cats/home/cats/household/litter_box/undo',
    });
    // The household's time where it was: an earlier node and this one share it.
    const node = bridgeTopics({ topic: 'home/cats', haDiscovery: null }, '3f2a');
    expect(boxTopics(options, 'litter box').lastCleaned).toBe(node.household);
    expect(boxTopics(options, 'first floor')).toMatchObject({
      lastCleaned: 'home/cats/household/first_floor/last_cleaned',
      clean: 'home/cats/household/first_floor/clean',
      sharedUndo: '$share/home_cats/home/cats/household/first_floor/undo',
    });
  });

  it('writes a name as a topic level one way only: no two boxes share one, and the name reads back', () => {
    const names = ['upstairs', 'Upstairs', 'up stairs', 'up-stairs', 'Küche', '二階', 'last cleaned', 'clean'];
    const forms = names.map(topicFormOf);
    expect(new Set(forms).size).toBe(names.length);
    for (const form of forms) expect(form).not.toMatch(/[/+#\s]/);
    expect(forms.map((form) => form.replace(/_/g, ' '))).toEqual(names);
  });

  it('gives each box a stable id of ASCII that tells apart names the slug makes alike', () => {
    expect(boxIdOf('upstairs')).toMatch(/^upstairs_[0-9a-f]{8}$/);
    expect(boxIdOf('Küche')).toMatch(/^kuche_[0-9a-f]{8}$/);
    expect(boxIdOf('二階')).toMatch(/^box_[0-9a-f]{8}$/);
    expect(boxIdOf('upstairs')).toBe(boxIdOf('upstairs'));
    expect(boxIdOf('Upstairs')).not.toBe(boxIdOf('upstairs'));
    expect(boxIdOf('up stairs')).not.toBe(boxIdOf('up-stairs'));
  });

  it('says the box’s time, level, due and who cleaned', () => {
    expect(JSON.parse(boxStatePayload({ lastCleaned: null, level: 'unknown', by: null }))).toEqual({
      lastCleaned: null,
      level: 'unknown',
      due: false,
      by: null,
    });
    expect(
      JSON.parse(boxStatePayload({ lastCleaned: Date.UTC(2026, 11, 1, 8, 30), level: 'soon', by: 'Anna' })),
    ).toEqual({ lastCleaned: '2026-12-01T08:30:00+00:00', level: 'soon', due: true, by: 'Anna' });
  });

  it('describes one device of six entities, made of the box’s name alone', () => {
    const messages = boxDiscoveryMessages('homeassistant', boxTopics(options, 'upstairs'));
    const id = boxIdOf('upstairs');
    expect([...messages.keys()]).toEqual(
      ['sensor/last_cleaned', 'sensor/level', 'binary_sensor/due', 'sensor/by', 'button/clean', 'button/undo'].map(
        (entity) => {
          const [component, key] = entity.split('/');
          return `homeassistant/${component}/cat_litter_reminder_box_${id}/${key}/config`;
        },
      ),
    );
    const configs = [...messages.values()].map((payload) => JSON.parse(payload) as Record<string, unknown>);
    for (const config of configs) {
      expect(config).toMatchObject({
        device: {
          identifiers: [`cat-litter-reminder-box-${id}`],
          name: 'upstairs',
          manufacturer: 'cat-litter-reminder',
          model: 'Litter box',
        },
        origin: { name: 'cat-litter-reminder' },
      });
      // Nothing of one node: no availability, no version, no page.
      expect(JSON.stringify(config)).not.toMatch(/availability|sw_version|configuration_url/);
      expect(config).not.toHaveProperty('object_id');
      if (config.command_topic === undefined) expect(config.state_topic).toBe('home/cats/household/upstairs/state');
    }
    expect(new Set(configs.map((config) => config.unique_id)).size).toBe(6);
    expect(Object.fromEntries(configs.map((config) => [config.name, config.default_entity_id]))).toEqual({
      'Last cleaned': 'sensor.upstairs_last_cleaned',
      Level: 'sensor.upstairs_level',
      Due: 'binary_sensor.upstairs_due',
      'Last cleaned by': 'sensor.upstairs_last_cleaned_by',
      'Cleaned now': 'button.upstairs_cleaned_now',
      'Undo last cleaning': 'button.upstairs_undo_last_cleaning',
    });
    const buttons = configs.filter((config) => config.command_topic !== undefined);
    expect(buttons.map((config) => [config.command_topic, config.payload_press])).toEqual([
      ['home/cats/household/upstairs/clean', 'PRESS'],
      ['home/cats/household/upstairs/undo', 'PRESS'],
    ]);
    // The same on every node, and again: what makes it idempotent.
    expect(boxDiscoveryMessages('homeassistant', boxTopics(options, 'upstairs'))).toEqual(messages);
    expect(boxDiscoveryMessages('homeassistant', boxTopics(options, 'basement'))).not.toEqual(messages);
  });

  it('points a node’s “Cleaned now” at its own box', () => {
    const node = bridgeTopics({ topic: 'home/cats', haDiscovery: 'homeassistant' }, '3f2a');
    const identity = { id: '3f2a', name: 'hall-3f2a', version: '1.2.3', pageUrl: null };
    const button = (clean: string) =>
      JSON.parse(
        discoveryMessages('homeassistant', node, identity, clean).get(
          'homeassistant/button/cat_litter_reminder_3f2a/clean/config',
        ) ?? '{}',
      ) as { command_topic: string };
    expect(button(boxTopics(options, 'litter box').clean).command_topic).toBe('home/cats/household/clean');
    expect(button(boxTopics(options, 'upstairs').clean).command_topic).toBe('home/cats/household/upstairs/clean');
  });
});
