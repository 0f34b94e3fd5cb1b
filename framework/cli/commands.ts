/**
 * The command registry (oclif's explicit strategy): one line per command. Command ids with
 * spaces are topics, e.g. `state export`.
 */
import Comment from './commands/comment.js';
import JobSummary from './commands/job-summary.js';
import Validate from './commands/validate.js';

export const COMMANDS = {
  validate: Validate,
  comment: Comment,
  'job-summary': JobSummary,
};
