import { createMemoryPresence } from '../../../src/server/bus/memory-presence.js';
import { presenceContract } from './presence-contract.js';

presenceContract('memory', async () => async () => createMemoryPresence(), false);
