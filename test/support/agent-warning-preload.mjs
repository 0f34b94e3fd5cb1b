/**
 * Preloaded (`node --import`) into an `ingest agent` process by agent-log-warnings.test.ts:
 * once the agent has written its first log line (its logger and the routing of library
 * output are in place), libraries warn the ways they do during agent operation: the AWS
 * SDK's own NodeVersionSupportWarning (a multi-line process warning; asked for with an old
 * version, so it fires on any Node), a console.warn as simple-git's warnings are printed, and
 * a Node deprecation warning.
 */
import { emitWarningIfUnsupportedVersion } from '@aws-sdk/core/client';

const write = process.stderr.write;
process.stderr.write = function firstLine(...args) {
  process.stderr.write = write;
  setImmediate(() => {
    emitWarningIfUnsupportedVersion('v18.20.0');
    console.warn('SIMPLE_GIT_UNLISTED_CONFIG configuring %s is not listed', 'core.pager');
    process.emitWarning('Buffer() is deprecated', { type: 'DeprecationWarning', code: 'DEP0005' });
  });
  return write.apply(this, args);
};
