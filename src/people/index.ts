export {
  linkRecords,
  identityOf,
  type IncomingRecord,
  type LinkOptions,
  type LinkOutcome,
} from './linking.service.js';
export { normalizeName, nameKey } from './identity.rules.js';
export {
  searchPeople,
  viewPerson,
  personTimeline,
  type Actor,
  type PersonSummary,
  type PersonView,
} from './people.service.js';
