/**
 * oclif's command_not_found hook: a mistyped command gets "did you mean" with the closest
 * command (ids and topics, as the user types them, with spaces), then the usual exit 2 of a
 * usage error. No prompt: the suggestion is only printed, so scripts never hang.
 */
import { Errors, type Hook } from '@oclif/core';
import { closestName } from '../../diagnostics/suggest.js';

const hook: Hook.CommandNotFound = async function (options) {
  const separator = options.config.topicSeparator;
  const typed = options.id.split(':').join(separator);
  const known = [...options.config.commandIDs, ...options.config.topics.map((t) => t.name)].map((id) =>
    id.split(':').join(separator),
  );
  const intended = closestName(typed, known);
  const bin = options.config.bin;
  throw new Errors.CLIError(
    `'${typed}' is not an ${bin} command.${intended ? ` Did you mean '${bin} ${intended}'?` : ''}`,
    {
      exit: 2,
      suggestions: [`Run '${bin} --help' for the list of commands.`],
    },
  );
};

export default hook;
