export { reviewsRoutes, PairEvidenceSchema } from './reviews.routes.js';
export { decideReview, reviewDetail, reviewQueue, type Decision } from './reviews.service.js';
