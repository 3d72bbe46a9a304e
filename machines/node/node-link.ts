import type { NodeEmitted, ObserverEvent } from './node-events';

/**
 * What an observer gets of the node, which src/node/create-node.ts hands it: the events the
 * node emits, to subscribe to, and a way to send the node what the observer is told. Only
 * types live here, beside the node's events, so that the page and MQTT can name them
 * without importing the composition root.
 */
export interface NodeLink {
  on<Type extends NodeEmitted['type']>(type: Type, handler: (event: NodeEmitted & { type: Type }) => void): void;
  send(event: ObserverEvent): void;
}

/**
 * Something that watches the node and talks to the world for it (the page, MQTT): started
 * beside the node, before it starts, so that it hears every view; it returns what stops
 * it, which runs once the node has stopped.
 */
export type Observer = (node: NodeLink) => () => void;
