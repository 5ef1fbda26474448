/**
 * `@hotline/ticketing/testing`: the ticket store conformance suite every `TicketStore`
 * adapter runs, and its record fixtures.
 *
 * @packageDocumentation
 */
export {
  describeTicketStoreConformance,
  runTicketStoreCase,
  ticketStoreConformanceCases,
} from '../store/conformance/suite.js';
export { change, creation, makeComment, makeEntry, makeTicket } from '../store/conformance/fixtures.js';

export type {
  TicketStoreCase,
  TicketStoreCaseContext,
  TicketStoreCaseGroup,
} from '../store/conformance/case.js';
export type { TicketStoreConformanceOptions, TicketStoreTestApi } from '../store/conformance/suite.js';
