/**
 * The note that ends a plan cut short to fit GitHub's limits. It must tell the reviewer that
 * the plan is incomplete and where to read all of it: the job summary of the run, the uploaded
 * plan artifact, or, when neither exists, the command that prints it.
 */

/** Where the full plan can be read. */
export interface FullPlanPointer {
  /** The workflow run page (its job summary shows the full plan). */
  runUrl?: string;
  /** Name of the workflow artifact holding the full plan files. */
  artifactName?: string;
}

const number = (n: number) => n.toLocaleString('en-US');

/** The markdown notice for a plan of `originalSize` cut to `limit` (`unit`: "characters" or "bytes"). */
export function truncationNotice(
  pointer: FullPlanPointer,
  originalSize: number,
  { limit, where, unit = 'characters' }: { limit: number; where: string; unit?: string },
): string {
  const lines = [
    '> [!WARNING]',
    `> **This plan is cut short.** It is ${number(originalSize)} ${unit} long and a GitHub ${where} holds at most ${number(limit)}.`,
    `> ${whereToRead(pointer)}`,
  ];
  return lines.join('\n');
}

function whereToRead({ runUrl, artifactName }: FullPlanPointer): string {
  const places: string[] = [];
  if (runUrl) places.push(`in the [job summary](${runUrl}) of this run`);
  if (artifactName) places.push(`in the \`${artifactName}\` artifact${runUrl ? '' : ' of this run'}`);
  if (places.length === 0) return 'Run `npx ingest plan` to read the full plan.';
  return `Read the full plan ${places.join(' and ')}.`;
}
