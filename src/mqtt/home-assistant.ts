import { LEVELS, type Level } from '../../common/levels';
import type { NodeView } from '../../machines/node/node-view';
import { formatRfc3339 } from '../time/timestamp';
import type { MqttOptions } from '../settings/mqtt-settings';

/*
 * What the node says on the broker, as Home Assistant's MQTT discovery reads it: one
 * device per node, four entities on one JSON state topic, an availability topic with a
 * last will, and the household's topics every node shares. One discovery message per
 * entity (single-component discovery, which Home Assistant keeps beside device-based
 * discovery), as its documentation of 2025.10 and later describes them: docs/home-assistant.md.
 */

/** The node's topics, and the household's. */
export interface BridgeTopics {
  /** `online`, retained; the last will says `offline`. */
  availability: string;
  /** The node's state as JSON, retained. */
  state: string;
  /** Where the node that holds the id runs, and since when (JSON, retained): a copy of it knows itself by it. */
  session: string;
  /** The household's latest cleaning, RFC 3339, retained: every node reads it and keeps it current. */
  household: string;
  /** Home Assistant's birth and last will (`online`, `offline`); null without discovery. */
  haStatus: string | null;
}

/** What a node is, for the device block. */
export interface BridgeIdentity {
  /** The node's instance id (four hex digits kept beside the state file): stable across restarts and renames. */
  id: string;
  name: string;
  version: string;
  /** Its page, or null without one. */
  pageUrl: string | null;
}

/** The word a press of Home Assistant's button publishes (its default `payload_press`). */
export const PRESS = 'PRESS';

/** The node's topics, and the household's time (the default box's). Each box's own: src/mqtt/box-devices.ts. */
export function bridgeTopics(options: Pick<MqttOptions, 'topic' | 'haDiscovery'>, id: string): BridgeTopics {
  const node = `${options.topic}/${id}`;
  return {
    availability: `${node}/availability`,
    state: `${node}/state`,
    session: `${node}/session`,
    household: `${options.topic}/household/last_cleaned`,
    haStatus: options.haDiscovery === null ? null : `${options.haDiscovery}/status`,
  };
}

/** Levels from which the box is due (the binary sensor is on). */
const DUE_FROM: ReadonlySet<string> = new Set(['soon', 'now', 'overdue']);

/**
 * `kitchen-3f2a Litter box due` → `kitchen_3f2a_litter_box_due`, `Küche` → `kuche`: the part of
 * an entity id after its domain, which Home Assistant takes in ASCII letters, digits and `_`.
 * Accents are taken off first (NFKD, then the marks dropped); what is still not ASCII goes.
 */
export const slug = (words: string): string =>
  words
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^a-zA-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();

/** What stateEntities() read, first in every state topic's JSON: a node's and a box's alike. */
export function stateFields(
  lastCleaned: number | null,
  level: Level,
): { lastCleaned: string | null; level: Level; due: boolean } {
  return {
    lastCleaned: lastCleaned === null ? null : formatRfc3339(lastCleaned),
    level,
    due: DUE_FROM.has(level),
  };
}

/** The state topic's JSON: what the entities' templates read. It changes only when the time, level or quiet hours do. */
export function statePayload(view: NodeView): string {
  return JSON.stringify({ ...stateFields(view.lastCleaned, view.level), colour: view.colour, quiet: view.quiet });
}

/** One entity of a device: its component, the key of its discovery topic and ids, and its own options. */
export interface Entity {
  component: 'sensor' | 'binary_sensor' | 'button';
  key: string;
  config: Record<string, unknown>;
}

/**
 * The entities every device reads from its state topic (`{"lastCleaned", "level", "due"}`):
 * its last cleaning, its level, and whether it is due, under `dueName`. A node's device and a
 * box's device show the same three, so that a dashboard reads them alike.
 */
export function stateEntities(stateTopic: string, dueName: string): Entity[] {
  return [
    {
      component: 'sensor',
      key: 'last_cleaned',
      config: {
        name: 'Last cleaned',
        device_class: 'timestamp',
        icon: 'mdi:cat',
        state_topic: stateTopic,
        // "None" is how Home Assistant's MQTT sensor is told that the value is unknown.
        value_template: "{{ value_json.lastCleaned if value_json.lastCleaned else 'None' }}",
      },
    },
    {
      component: 'sensor',
      key: 'level',
      config: {
        name: 'Level',
        device_class: 'enum',
        options: [...LEVELS],
        icon: 'mdi:traffic-light',
        state_topic: stateTopic,
        value_template: '{{ value_json.level }}',
      },
    },
    {
      component: 'binary_sensor',
      key: 'due',
      config: {
        name: dueName,
        device_class: 'problem',
        icon: 'mdi:emoticon-poop',
        state_topic: stateTopic,
        value_template: "{{ 'ON' if value_json.due else 'OFF' }}",
      },
    },
  ];
}

/** A button that publishes `PRESS` on `commandTopic` (at least once: a press must not be lost). */
export function pressButton(key: string, name: string, icon: string, commandTopic: string): Entity {
  return {
    component: 'button',
    key,
    config: { name, icon, command_topic: commandTopic, payload_press: PRESS, qos: 1 },
  };
}

const entities = (topics: BridgeTopics, clean: string): Entity[] => [
  ...stateEntities(topics.state, 'Litter box due'),
  pressButton('clean', 'Cleaned now', 'mdi:broom', clean),
];

/** What every entity of one device says besides its own options: the device, `origin`, availability when it has one. */
export interface DeviceBlock {
  /** The discovery topic's object id: `cat_litter_reminder_3f2a`. */
  objectId: string;
  /** Each entity's unique_id is this, `-`, and its key (with `-` for `_`). */
  uniqueId: string;
  /** Each entity's default_entity_id is its component, `.`, and a slug of this and its name. */
  entityName: string;
  common: Record<string, unknown>;
}

/** The retained discovery messages of one device's entities: topic → JSON. */
export function entityMessages(haDiscovery: string, block: DeviceBlock, list: readonly Entity[]): Map<string, string> {
  const messages = new Map<string, string>();
  for (const entity of list) {
    messages.set(
      `${haDiscovery}/${entity.component}/${block.objectId}/${entity.key}/config`,
      JSON.stringify({
        ...entity.config,
        unique_id: `${block.uniqueId}-${entity.key.replace(/_/g, '-')}`,
        // The entity id Home Assistant gives it when it first sees it: binary_sensor.kitchen_3f2a_litter_box_due.
        // A whole entity id, its domain first (`object_id`, the slug alone, was deprecated in 2025.10).
        default_entity_id: `${entity.component}.${slug(`${block.entityName} ${String(entity.config.name)}`)}`,
        ...block.common,
      }),
    );
  }
  return messages;
}

/**
 * The retained discovery messages of the node's device: topic → JSON. Its "Cleaned now"
 * publishes on `clean`, the topic of its own box's (src/mqtt/box-devices.ts): a press there
 * records a cleaning of that box, on one of the nodes that show it.
 */
export function discoveryMessages(
  haDiscovery: string,
  topics: BridgeTopics,
  identity: BridgeIdentity,
  clean: string,
): Map<string, string> {
  const device = {
    identifiers: [`cat-litter-reminder-${identity.id}`],
    name: identity.name,
    manufacturer: 'cat-litter-reminder',
    model: 'Litter box reminder',
    sw_version: identity.version,
    ...(identity.pageUrl ? { configuration_url: identity.pageUrl } : {}),
  };
  const block = {
    objectId: `cat_litter_reminder_${identity.id}`,
    uniqueId: `cat-litter-reminder-${identity.id}`,
    entityName: identity.name,
    common: {
      availability_topic: topics.availability,
      payload_available: 'online',
      payload_not_available: 'offline',
      device,
      origin: { name: 'cat-litter-reminder', sw_version: identity.version },
    },
  };
  return entityMessages(haDiscovery, block, entities(topics, clean));
}
