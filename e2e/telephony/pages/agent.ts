/** An agent's page: a registered softphone; the test answers, holds, transfers through `window.phone`. */
import { startPagePhone } from './phone.js';

startPagePhone();
