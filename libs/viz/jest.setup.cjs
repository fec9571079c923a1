// jsdom does not expose structuredClone, which dagre uses; Node's v8 serializer clones the same plain data.
const v8 = require('node:v8');

if (typeof globalThis.structuredClone !== 'function') {
  globalThis.structuredClone = (value) => v8.deserialize(v8.serialize(value));
}

// jsdom lacks TextEncoder/TextDecoder, which the fetch-based event stream uses.
const util = require('node:util');
globalThis.TextEncoder ??= util.TextEncoder;
globalThis.TextDecoder ??= util.TextDecoder;
