/**
 * Finds every `ingest …` / `npx ingest …` invocation in shell scripts (workflow `run:` blocks)
 * and checks it against the oclif command registry, so a workflow that uses a command or flag
 * that does not exist fails a test instead of a user's pull request.
 */
import { COMMANDS } from '../../framework/cli/commands.js';

/** One invocation: the words after `ingest`, and where it was found. */
export interface Invocation {
  words: string[];
  where: string;
}

interface FlagLike {
  char?: string;
  allowNo?: boolean;
}

interface CommandLike {
  flags?: Record<string, FlagLike>;
  baseFlags?: Record<string, FlagLike>;
  enableJsonFlag?: boolean;
}

const OPERATORS = new Set([';', '&', '|', '>', '<', '(', ')', '`']);

/** Shell words of one line, split at unquoted operators (each operator is its own word). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote: string | undefined;
  let inWord = false;
  const flush = () => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) flush();
    else if (ch === '#' && !inWord) break;
    else if (OPERATORS.has(ch) && !(ch === '(' && word === '$')) {
      flush();
      words.push(ch);
    } else {
      word += ch;
      inWord = true;
    }
  }
  flush();
  return words;
}

/** Every `ingest` invocation in a script: continuation lines joined, comments ignored. */
export function findInvocations(script: string, where: string): Invocation[] {
  const found: Invocation[] = [];
  for (const line of script.replace(/\\\n/g, ' ').split('\n')) {
    const words = shellWords(line);
    words.forEach((w, i) => {
      const prev = words[i - 1];
      const atCommandStart = i === 0 || prev === 'npx' || prev === '$(' || OPERATORS.has(prev ?? '');
      if (w !== 'ingest' || !atCommandStart) return;
      const rest: string[] = [];
      for (const next of words.slice(i + 1)) {
        if (OPERATORS.has(next)) break;
        rest.push(next);
      }
      found.push({ words: rest, where });
    });
  }
  return found;
}

/** Problems with one invocation (empty when the command and every flag exist). */
export function checkInvocation(invocation: Invocation): string[] {
  const registry = COMMANDS as unknown as Record<string, CommandLike>;
  const positional = invocation.words.filter((w) => !w.startsWith('-'));
  let id: string | undefined;
  for (let n = positional.length; n > 0 && !id; n--) {
    const candidate = positional.slice(0, n).join(' ');
    // Topic commands (`state export`) are registered with a colon (`state:export`).
    if (invocation.words.slice(0, n).join(' ') === candidate && registry[candidate.replace(/ /g, ':')])
      id = candidate.replace(/ /g, ':');
  }
  const shown = `ingest ${invocation.words.join(' ')} (${invocation.where})`;
  if (!id)
    return [`${shown}: "${positional[0] ?? ''}" is not an ingest command (known: ${Object.keys(registry).join(', ')})`];
  const command = registry[id];
  const flags = { ...command.baseFlags, ...command.flags };
  const long = new Set(Object.keys(flags));
  for (const [name, flag] of Object.entries(flags)) if (flag.allowNo) long.add(`no-${name}`);
  if (command.enableJsonFlag) long.add('json');
  long.add('help');
  const chars = new Set(Object.values(flags).flatMap((f) => (f.char ? [f.char] : [])));
  const problems: string[] = [];
  for (const word of invocation.words) {
    if (word.startsWith('--') && word.length > 2) {
      const name = word.slice(2).split('=')[0];
      if (!long.has(name)) problems.push(`${shown}: "ingest ${id}" has no flag --${name}`);
    } else if (/^-[A-Za-z]$/.test(word) && !chars.has(word[1])) {
      problems.push(`${shown}: "ingest ${id}" has no flag ${word}`);
    }
  }
  return problems;
}

/** Whether `ingest <id>` exists in the registry. */
export function isCommand(id: string): boolean {
  return id in (COMMANDS as Record<string, unknown>);
}
