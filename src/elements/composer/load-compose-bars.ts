import { lazyModule } from '../load-once.js';

/**
 * The composer's bars (`./compose-bars.ts`: the reply quote, "Editing", the link preview), fetched
 * the first time one has something to show; until they are in, nothing shows over the text area,
 * and the composer renders again once they arrive. Opening the widget to read and send text does
 * not download them (in the script tag they come with the features loaded on first use).
 */
export const composeBars = lazyModule(() => import('./compose-bars.js'));
