/**
 * Renders markdown the way GitHub does for comments (GitHub-flavoured, raw HTML such as
 * <details> kept, HTML comments invisible) and reads back the parts a plan comment must have,
 * so tests can assert that a plan renders correctly instead of matching its source text.
 */
import { Marked } from 'marked';
import { parse, type HTMLElement } from 'node-html-parser';

const marked = new Marked({ gfm: true, breaks: false, async: false });

/** The HTML GitHub would show for `markdown`, parsed, with comments dropped as GitHub hides them. */
export function renderMarkdown(markdown: string): HTMLElement {
  const html = marked.parse(markdown) as string;
  // <pre> is parsed as elements (not raw text, the parser's default) so its <code> can be queried.
  return parse(html, { comment: false, blockTextElements: { script: true, noscript: true, style: true } });
}

/** One collapsible section of a rendered plan. */
export interface RenderedSection {
  title: string;
  /** Languages of the fenced code blocks inside it (`diff`, `sql`, …). */
  codeLanguages: string[];
  text: string;
}

/** What a reviewer sees in a rendered plan comment. */
export interface RenderedPlan {
  /** Text of the first paragraph or heading: the plan's summary line. */
  summaryLine: string;
  sections: RenderedSection[];
  /** Text of every ```diff block, wherever it is. */
  diffBlocks: string[];
  /** Text of block quotes outside any <details> (e.g. the truncation notice). */
  notices: string[];
  /** The whole visible text. */
  text: string;
}

/** Renders `markdown` and picks out the summary line, collapsible sections and diff blocks. */
export function inspectRenderedPlan(markdown: string): RenderedPlan {
  const root = renderMarkdown(markdown);
  const first = root.querySelector('h1, h2, h3, h4, p');
  const sections = root.querySelectorAll('details').map((details) => ({
    title: details.querySelector('summary')?.text.trim() ?? '',
    codeLanguages: details.querySelectorAll('pre code').map(languageOf),
    text: details.text,
  }));
  const diffBlocks = root
    .querySelectorAll('pre code')
    .filter((code) => languageOf(code) === 'diff')
    .map((code) => code.text);
  const notices = root
    .querySelectorAll('blockquote')
    .filter((quote) => !insideDetails(quote))
    .map((quote) => quote.text.trim());
  return { summaryLine: first?.text.trim() ?? '', sections, diffBlocks, notices, text: root.text };
}

function languageOf(code: HTMLElement): string {
  return /language-(\S+)/.exec(code.getAttribute('class') ?? '')?.[1] ?? '';
}

function insideDetails(element: HTMLElement): boolean {
  for (let node = element.parentNode; node; node = node.parentNode) if (node.rawTagName === 'details') return true;
  return false;
}
