export {
  createSourceToken,
  receiveDepartures,
  departureEvents,
  type DepartureEvent,
  type DepartureResponse,
} from './departures.service.js';
export { grantVoluntaryDeparture, voluntaryDeparturesOf } from './departures.store.js';
