export {
  createSourceToken,
  DepartureIntake,
  type Sender,
  departureEvents,
  type DepartureEvent,
  type DepartureResponse,
} from './departures.service.js';
export { grantVoluntaryDeparture } from './departures.store.js';
