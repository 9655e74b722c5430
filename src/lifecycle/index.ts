export { loadPersonFacts } from './lifecycle.store.js';
export { buildTimeline, type Timeline, type PersonFacts } from './timeline.rules.js';
