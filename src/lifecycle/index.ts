export { loadPersonFacts, voluntaryDeparturesOf } from './lifecycle.store.js';
export { buildTimeline, type Timeline, type PersonFacts } from './timeline.rules.js';
export { determineOverstays, OVERSTAY_OUTCOMES, type OverstayDetermination } from './overstay.rules.js';
export { reportToCsv } from './overstay-report.rules.js';
export {
  refreshOverstays,
  recomputeAllOverstays,
  overstayReport,
  type OverstayReportResponse,
} from './lifecycle.service.js';
