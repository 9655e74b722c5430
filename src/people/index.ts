export {
  linkRecords,
  identityOf,
  type IncomingRecord,
  type LinkOptions,
  type LinkOutcome,
} from './linking.service.js';
export { normalizeName, nameKey } from './identity.rules.js';
export { purposeProblem } from './people.rules.js';
export {
  searchPeople,
  viewPerson,
  personTimeline,
  type Actor,
  type PersonSummary,
  type PersonView,
} from './people.service.js';
export { createPeople, type ReviewCandidate, type LinkRule } from './people.store.js';
export { lockLinking } from './matching.store.js';
export { warmMatcher } from './matcher.js';
export { moveRecords, personState, type RecordRef } from './merges.store.js';
export {
  mergeInTx,
  mergePeople,
  splitPerson,
  undoIdentityEvent,
  eventsOfPerson,
  type IdentityEvent,
} from './merges.service.js';
export { refineWithNewLabels, trainModel, retrainIfOutgrown } from './match-training.js';
