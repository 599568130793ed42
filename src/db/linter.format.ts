/** The linter's report for a terminal: a summary line, then findings grouped by level and lint. */
import { LEVEL_ORDER, type LintFinding, type LintLevel } from './linter.model.ts';

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A readable report: a summary line, then the findings grouped by level and lint. */
export function formatFindings(findings: readonly LintFinding[]): string {
  if (findings.length === 0) return 'Database linter: no findings.';
  const at = (l: LintLevel) => findings.filter((f) => f.level === l).length;
  const lines: string[] = [
    `Database linter: ${count(findings.length, 'finding')}: ${count(at('ERROR'), 'error')}, ${count(at('WARN'), 'warning')}, ${at('INFO')} info.`,
  ];
  let lastGroup = '';
  for (const f of [...findings].sort(
    (a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || a.name.localeCompare(b.name),
  )) {
    const group = `${f.level} ${f.name}`;
    if (group !== lastGroup) {
      lines.push('', `${f.level.padEnd(5)} ${f.name} — ${f.title}`);
      lastGroup = group;
    }
    lines.push(`  - ${f.object}`, `      ${f.detail}`, `      fix: ${f.remediation}`);
  }
  return lines.join('\n');
}
