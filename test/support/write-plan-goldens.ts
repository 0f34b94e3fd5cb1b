/** `npm run golden:plan`: regenerates the expected outputs of every golden plan case. */
import { writeGoldens } from './plan-golden.js';

await writeGoldens();
