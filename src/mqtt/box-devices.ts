import { createHash } from 'node:crypto';
import { DEFAULT_BOX } from '../../common/boxes';
import type { Level } from '../../common/levels';
import { entityMessages, pressButton, slug, stateEntities, stateFields, type Entity } from './home-assistant';
import type { MqttOptions } from '../settings/mqtt-settings';

/*
 * A box of the household on the broker: its own topics under `<topic>/household/`, and a
 * device of its own in Home Assistant (its last cleaning, level, due, who cleaned, "Cleaned
 * now", "Undo last cleaning"), besides the device of each node. Every node that shows a box
 * publishes the same retained discovery messages for it, byte for byte, whatever its version
 * or name: nothing in them is a node's, so a house of nodes says one thing, as often as it likes.
 */

/**
 * A box's name as a topic level: its spaces as `_` (`first floor` → `first_floor`), the rest
 * as it is. A box's name holds letters, digits, spaces and `-` only (common/boxes.ts), all of
 * them allowed in a topic, and never `_`, `/`, `+` or `#`: so two boxes never share a topic,
 * and the name can be read back from it.
 */
export const topicFormOf = (box: string): string => box.replace(/ /g, '_');

/**
 * A box's id in Home Assistant's topics and ids: its name slugged (ASCII letters, digits, `_`,
 * as a discovery topic takes them), then 8 hex digits of its name's SHA-256, which keep apart
 * names the slug makes alike (`Upstairs` and `upstairs`, or two names in another script).
 * It depends on the name alone: the same on every node, across restarts and versions.
 */
export function boxIdOf(box: string): string {
  const hash = createHash('sha256').update(box, 'utf8').digest('hex').slice(0, 8);
  return `${slug(box) || 'box'}_${hash}`;
}

/** A shared subscription's group may hold neither `/` nor wildcards. */
const groupOf = (topic: string) => topic.replace(/[/+#]/g, '_');

/** A box's topics. The default box keeps its time and its "Cleaned now" where they were before there were boxes. */
export interface BoxTopics {
  box: string;
  /** Its latest standing cleaning, RFC 3339, retained. */
  lastCleaned: string;
  /** `{"lastCleaned", "level", "due", "by"}`, retained: what its entities read. */
  state: string;
  /** Its "Cleaned now" publishes `PRESS` here; `sharedClean` is the subscription the nodes showing it share. */
  clean: string;
  sharedClean: string;
  /** Its "Undo last cleaning" publishes `PRESS` here; shared the same way. */
  undo: string;
  sharedUndo: string;
}

export function boxTopics(options: Pick<MqttOptions, 'topic'>, box: string): BoxTopics {
  const household = `${options.topic}/household`;
  const own = `${household}/${topicFormOf(box)}`;
  const isDefault = box === DEFAULT_BOX;
  const clean = isDefault ? `${household}/clean` : `${own}/clean`;
  const undo = `${own}/undo`;
  // One group for the household: a shared subscription is the group and the topic together.
  const share = (topic: string) => `$share/${groupOf(options.topic)}/${topic}`;
  return {
    box,
    lastCleaned: isDefault ? `${household}/last_cleaned` : `${own}/last_cleaned`,
    state: `${own}/state`,
    clean,
    sharedClean: share(clean),
    undo,
    sharedUndo: share(undo),
  };
}

/** What a box's state is made of (a BoxView of the node's). */
export interface BoxState {
  lastCleaned: number | null;
  level: Level;
  by: string | null;
}

/**
 * A box's state topic: the same on every node that shows it as long as their levels agree (a
 * node's colour and quiet hours are its own, and stay on its own state topic).
 */
export function boxStatePayload(state: BoxState): string {
  return JSON.stringify({ ...stateFields(state.lastCleaned, state.level), by: state.by });
}

/** A node's entities with "Due" for "Litter box due" (the device is the box), who cleaned it, and an undo. */
const boxEntities = (topics: BoxTopics): Entity[] => [
  ...stateEntities(topics.state, 'Due'),
  {
    component: 'sensor',
    key: 'by',
    config: {
      name: 'Last cleaned by',
      icon: 'mdi:account',
      state_topic: topics.state,
      value_template: "{{ value_json.by if value_json.by else 'None' }}",
    },
  },
  pressButton('clean', 'Cleaned now', 'mdi:broom', topics.clean),
  pressButton('undo', 'Undo last cleaning', 'mdi:undo', topics.undo),
];

/**
 * The retained discovery messages of a box's device: topic → JSON. No availability: the box
 * is the household's, not a node's, and its state stays true while any node that shows it
 * runs. No version and no page: they would differ from node to node.
 */
export function boxDiscoveryMessages(haDiscovery: string, topics: BoxTopics): Map<string, string> {
  const id = boxIdOf(topics.box);
  const block = {
    objectId: `cat_litter_reminder_box_${id}`,
    uniqueId: `cat-litter-reminder-box-${id}`,
    entityName: topics.box,
    common: {
      device: {
        identifiers: [`cat-litter-reminder-box-${id}`],
        name: topics.box,
        manufacturer: 'cat-litter-reminder',
        model: 'Litter box',
      },
      origin: { name: 'cat-litter-reminder' },
    },
  };
  return entityMessages(haDiscovery, block, boxEntities(topics));
}
