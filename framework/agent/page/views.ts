/** The page's three views, server-rendered from the agent's data (pure: data in, HTML out). */
import type { ExperimentResults } from '../../experiments/results.js';
import type { LedgerSummary } from '../../status/ledger-summary.js';
import { summarizeLedger } from '../../status/ledger-summary.js';
import { errorText } from '../../status/status-day.js';
import type { IngestionStatusFile } from '../../status/types.js';
import { fmtInterval, fmtNumber, fmtPercent, fmtPValue, pClause } from '../../views/experiment-format.js';
import { esc, layout, num, seg, statusBadge } from './html.js';
import type { PageOverview } from './types.js';
import { compareText } from '../../util/text-order.js';

function configNotice(o: PageOverview): string {
  const applied = `<p class="muted">Configuration in effect: ${o.config.appliedCommit ? `<code>${esc(o.config.appliedCommit.slice(0, 12))}</code>` : 'none yet'}.</p>`;
  if (!o.config.rejected) return applied;
  const problems = o.config.rejected.problems.map((p) => `<li>${esc(p)}</li>`).join('');
  return `${applied}<p class="bad">✗ Commit <code>${esc(o.config.rejected.sha.slice(0, 12))}</code> was not applied: it does not validate.</p><ul>${problems}</ul>`;
}

function ingestionRow(o: PageOverview, name: string, s: LedgerSummary | undefined): string {
  const info = o.ingestions.find((i) => i.name === name)!;
  const latest = o.ledger.filter((e) => e.ingestion === name).sort((a, b) => compareText(b.date, a.date))[0];
  const lastLoad = o.ledger
    .filter((e) => e.ingestion === name)
    .reduce<Date | null>((m, e) => (m === null || e.finishedAt > m ? e.finishedAt : m), null);
  const next = o.nextLoads.get(name);
  const nextText =
    next === undefined
      ? '–'
      : next === null
        ? 'on request (API)'
        : `${esc(next.at.toISOString())} <span class="muted">${esc(next.why)}</span>`;
  const failure = s?.latestFailure
    ? `<br><span class="bad">✗ ${esc(s.latestFailure.date)} failed at ${esc(s.latestFailure.finishedAt)} after the last good load</span>`
    : '';
  return (
    `<tr data-ingestion="${esc(name)}"><td><a href="/ui/ingestions/${seg(name)}">${esc(name)}</a></td><td>${esc(info.dataset)}</td><td>${esc(info.schedule)}</td>` +
    `<td>${esc(latest?.date ?? '–')}</td><td>${statusBadge(latest?.status ?? null)}${failure}</td><td>${esc(lastLoad?.toISOString() ?? '–')}</td>` +
    `<td class="num">${num(s?.rowsLoaded ?? 0)}</td><td class="num">${num(s?.rowsRejected ?? 0)}</td><td class="num">${s ? `${s.succeeded} / ${s.noData} / ${s.failed}` : '0 / 0 / 0'}</td><td>${nextText}</td></tr>`
  );
}

export function overviewPage(o: PageOverview): string {
  const summaries = new Map(summarizeLedger(o.ledger, o.attempts).map((s) => [s.ingestion, s]));
  const names = o.ingestions.map((i) => i.name).sort();
  const rows = names.map((n) => ingestionRow(o, n, summaries.get(n))).join('\n');
  const experiments = o.experiments.length
    ? `<ul>${o.experiments.map((e) => `<li>${e.hasResults ? `<a href="/ui/experiments/${seg(e.name)}">${esc(e.name)}</a>` : `${esc(e.name)} <span class="muted">(not run yet)</span>`}</li>`).join('')}</ul>`
    : '<p class="muted">No experiments defined.</p>';
  return layout(
    `${o.project}: ingestion status`,
    `${configNotice(o)}
<h2>Ingestions</h2>
<table id="ingestions">
<thead><tr><th>Ingestion</th><th>Dataset</th><th>Schedule</th><th>Latest day</th><th>Status</th><th>Last load</th><th class="num">Rows</th><th class="num">Rejects</th><th class="num">Days ok / no data / failed</th><th>Next scheduled load</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="10" class="muted">No ingestions configured.</td></tr>'}
</tbody>
</table>
<h2>Experiments</h2>
${experiments}`,
  );
}

export function ingestionPage(
  file: IngestionStatusFile,
  summary: LedgerSummary | undefined,
  chart: string | null,
): string {
  const s = file.summary;
  const failure = summary?.latestFailure
    ? `<p class="bad">✗ Latest failed attempt: ${esc(summary.latestFailure.date)} at ${esc(summary.latestFailure.finishedAt)}, after the last good load — ${esc(errorText({ errorClass: summary.latestFailure.errorClass, error: summary.latestFailure.errorMessage ?? '', hint: summary.latestFailure.errorHint }))}</p>`
    : '';
  const rows = file.days
    .map(
      (d) =>
        `<tr><td>${esc(d.date)}</td><td>${statusBadge(d.status)}${d.trigger === 'recheck' && d.status === 'succeeded' ? ' <span class="muted">(reloaded after recheck)</span>' : ''}</td>` +
        `<td class="num">${num(d.rowsLoaded)}</td><td class="num">${num(d.rowsRejected)}</td><td>${esc(d.topRejectReasons.map((r) => `${r.rule} ×${r.count}`).join(', '))}</td>` +
        `<td class="num">${num(d.sourceRowCount)}</td><td>${esc(d.trigger)}</td><td>${esc(d.finishedAt)}</td><td class="error">${d.error ? esc(errorText({ ...d, error: d.error })) : ''}</td></tr>`,
    )
    .join('\n');
  return layout(
    `Ingestion ${file.ingestion}`,
    `<p>Dataset <code>${esc(file.dataset)}</code>, schedule <code>${esc(file.schedule)}</code>${file.owner ? `, owner ${esc(file.owner)}` : ''}.
${s.days} days: ${s.succeeded} succeeded, ${s.noData} with no data, ${s.failed} failed. Last successful day: ${esc(s.lastSuccessfulDay ?? 'none')}.</p>
${failure}
<h2>Last 90 days</h2>
<div class="chart" id="calendar">${chart ?? '<p class="muted">Nothing loaded yet.</p>'}</div>
<h2>Day by day</h2>
<table id="days">
<thead><tr><th>Day</th><th>Status</th><th class="num">Rows loaded</th><th class="num">Rows rejected</th><th>Top reject reasons</th><th class="num">Source rows</th><th>Trigger</th><th>Finished</th><th>Error</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="9" class="muted">Nothing loaded yet.</td></tr>'}
</tbody>
</table>`,
  );
}

export function experimentPage(
  r: ExperimentResults,
  charts: { lift: string | null; cumulativeLift: string | null; exposures: string | null },
): string {
  const srm = r.health.srm;
  const health = srm.mismatch
    ? `<span class="bad">✗ Sample ratio mismatch (${esc(pClause(srm.pValue))})</span>`
    : `<span class="ok">✓ Sample ratio OK (${esc(pClause(srm.pValue))})</span>`;
  const rows = r.metrics
    .flatMap((m) =>
      m.groups.map((g) => {
        const verdict = g.is_control
          ? '<span class="muted">control</span>'
          : g.significant
            ? Number(g.rel_lift) > 0
              ? '<span class="ok">▲ significant</span>'
              : '<span class="bad">▼ significant</span>'
            : '<span class="muted">not significant</span>';
        return (
          `<tr><td>${esc(m.metric)}</td><td>${esc(g.group_name)}</td><td class="num">${num(Number(g.units))}</td><td class="num">${esc(fmtNumber(g.mean))}</td>` +
          `<td class="num">${g.is_control ? '' : esc(fmtPercent(g.rel_lift))}</td><td>${g.is_control ? '' : esc(fmtInterval(g.rel_lift_ci_lower, g.rel_lift_ci_upper, (v) => fmtPercent(v)))}</td><td class="num">${g.is_control ? '' : esc(fmtPValue(g.p_value))}</td><td>${verdict}</td></tr>`
        );
      }),
    )
    .join('\n');
  const chart = (id: string, title: string, svg: string | null) =>
    svg ? `<h2>${esc(title)}</h2><div class="chart" id="${id}">${svg}</div>` : '';
  return layout(
    `Experiment ${r.experiment}`,
    `<p>Data through ${esc(r.through ?? '–')}; control <code>${esc(r.control)}</code>; significance level ${esc(r.significanceLevel)}. ${health}. Exposed units: ${num(srm.total)}.</p>
${chart('lift', 'Relative lift per metric', charts.lift)}
<h2>Results (${esc(r.rollup.replace(/_/g, ' '))}, through ${esc(r.period ?? '–')})</h2>
<table id="results">
<thead><tr><th>Metric</th><th>Group</th><th class="num">Units</th><th class="num">Value</th><th class="num">Rel. lift</th><th>CI</th><th class="num">p-value</th><th></th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
${chart('cumulative-lift', 'Cumulative relative lift', charts.cumulativeLift)}
${chart('exposures', 'Exposures per group', charts.exposures)}`,
  );
}

export function messagePage(title: string, message: string): string {
  return layout(title, `<p>${esc(message)}</p>`);
}
