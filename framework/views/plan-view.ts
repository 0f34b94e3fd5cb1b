/**
 * The plan views: one interface, one implementation per output format, chosen once from the
 * flags. Commands hand a plan to a view and print what it returns.
 */
import type { Plan } from '../plan/types.js';
import { renderPlanHuman } from './plan/human.js';
import { renderPlanJson } from './plan/json.js';
import { renderPlanMarkdown } from './plan/markdown.js';

export type PlanFormat = 'human' | 'json' | 'markdown';

/** Renders a plan in one format. */
export interface PlanView {
  readonly format: PlanFormat;
  render(plan: Plan): string;
}

export interface PlanViewOptions {
  /** ANSI colour (human format only). */
  color?: boolean;
  /** Link to the full plan, for the Markdown truncation notice. */
  fullPlanUrl?: string;
}

/** The view for a format. */
export function planView(format: PlanFormat, options: PlanViewOptions = {}): PlanView {
  switch (format) {
    case 'human':
      return { format, render: (plan) => renderPlanHuman(plan, { color: options.color }) };
    case 'json':
      return { format, render: renderPlanJson };
    case 'markdown':
      return { format, render: (plan) => renderPlanMarkdown(plan, { fullPlanUrl: options.fullPlanUrl }) };
  }
}
