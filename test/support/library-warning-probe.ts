/** A process that logs JSON like the agent and has libraries warn the ways they do; see library-warnings.test.ts. */
import { createLogger } from '../../framework/util/log.js';
import { routeLibraryWarnings } from '../../framework/util/library-warnings.js';

const log = createLogger({ format: 'json' });
routeLibraryWarnings(log.child({ component: 'library' }));
log.info('started');
console.warn('SIMPLE_GIT_UNLISTED_CONFIG configuring %s is not listed', 'user.name');
process.emitWarning('something is deprecated', { code: 'DEP0999', type: 'DeprecationWarning' });
process.on('beforeExit', () => log.info('done'));
