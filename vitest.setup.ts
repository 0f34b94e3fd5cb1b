import { afterEach } from 'vitest';
import { installLoopbackGuard, takeViolations } from './framework/testing/loopback-guard.js';

// Libraries that probe cloud metadata endpoints when loaded: tell them not to.
process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION = 'true';
process.env.METADATA_SERVER_DETECTION = 'none';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.NO_COLOR = '1';

installLoopbackGuard();

afterEach(() => {
  const attempts = takeViolations();
  if (attempts.length > 0) throw new Error(`This test tried to leave the machine:\n${attempts.join('\n')}`);
});
