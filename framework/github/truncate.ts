/**
 * Fits markdown into a size limit without breaking its rendering: GitHub rejects comment bodies
 * over 65,535 characters and job summaries over 1 MiB. The cut falls on a line boundary, any
 * open code fence and <details> sections are closed, and a notice says where the full text is.
 */

/** GitHub's limit for an issue or pull request comment body, in characters. */
export const COMMENT_LIMIT = 65_535;

/** GitHub's limit for one step's job summary, in bytes. */
export const JOB_SUMMARY_LIMIT = 1024 * 1024;

/** How the limit is measured: comments count characters, job summaries count bytes. */
export type Measure = (text: string) => number;

export const measureChars: Measure = (text) => text.length;
export const measureBytes: Measure = (text) => Buffer.byteLength(text, 'utf8');

/** What fitToLimit did. */
export interface FitResult {
  text: string;
  truncated: boolean;
  /** Size of the input, in the unit of `measure`. */
  originalSize: number;
}

/**
 * Returns `text` unchanged when it fits in `limit`, else its longest line-aligned prefix that,
 * with open blocks closed and `notice(originalSize)` appended, fits.
 */
export function fitToLimit(
  text: string,
  limit: number,
  notice: (originalSize: number) => string,
  measure: Measure = measureChars,
): FitResult {
  const originalSize = measure(text);
  if (originalSize <= limit) return { text, truncated: false, originalSize };
  const tail = `\n\n${notice(originalSize)}\n`;
  let budget = Math.min(text.length, limit - measure(tail));
  for (;;) {
    const candidate = closeOpenBlocks(cutAtLine(text, budget)) + tail;
    const size = measure(candidate);
    if (size <= limit || budget <= 0) return { text: candidate, truncated: true, originalSize };
    budget -= Math.max(1, size - limit);
  }
}

/** The text up to the last line break at or before `budget` characters. */
function cutAtLine(text: string, budget: number): string {
  if (budget <= 0) return '';
  const head = text.slice(0, budget);
  const lastBreak = head.lastIndexOf('\n');
  return lastBreak > 0 ? head.slice(0, lastBreak) : head;
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;

/** Appends what closes a code fence or <details> sections left open by the cut. */
export function closeOpenBlocks(markdown: string): string {
  let fence: string | undefined;
  let openDetails = 0;
  for (const line of markdown.split('\n')) {
    const match = FENCE.exec(line);
    if (match) {
      if (!fence) fence = match[1];
      else if (match[1][0] === fence[0] && match[1].length >= fence.length && line.trim() === match[1])
        fence = undefined;
      continue;
    }
    if (fence) continue;
    openDetails += (line.match(/<details[\s>]/gi) ?? []).length;
    openDetails -= (line.match(/<\/details>/gi) ?? []).length;
  }
  let closing = '';
  if (fence) closing += `\n${fence}`;
  for (let i = 0; i < Math.max(0, openDetails); i++) closing += '\n\n</details>';
  return markdown + closing;
}
