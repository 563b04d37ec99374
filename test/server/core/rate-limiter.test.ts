import { createMemoryRateLimiter } from '../../../src/server/core/rate-limiter.js';
import { rateLimiterContract } from './rate-limiter-contract.js';

rateLimiterContract('memory', async (limit, windowMs) => createMemoryRateLimiter(limit, windowMs));
