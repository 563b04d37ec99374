import { createMemoryStore } from '../../../src/server/store/memory-store.js';
import { storeContract } from './store-contract.js';

storeContract('memory', async () => createMemoryStore());
