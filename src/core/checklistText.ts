/**
 * What the checklist's rows say beyond their title and description: the tooltip (Markdown), the
 * checkbox and badge tooltips and the checkbox's screen-reader label, in the display language (./l10n.ts).
 * Kept out of src/host/checklistView.ts so that test/unit/l10n.test.ts can read them in a
 * pseudo-locale without VS Code.
 */
import * as l10n from './l10n';
import { SOURCE_LABELS, STATUS_LABELS, type StepView } from './model';

/** The tooltip of a step's row, as Markdown: title and status, summary, then its evidence or why it has none. */
export function stepTooltipMarkdown(step: StepView, when: (at: string) => string = (at) => new Date(at).toLocaleString()): string {
  const parts = [
    l10n.t('**{0}** — {1}', escapeMarkdown(step.definition.title), escapeMarkdown(STATUS_LABELS[step.status])),
    escapeMarkdown(step.definition.summary),
  ];
  if (step.evidence) {
    let evidence = l10n.t('*{0} at {1}:* {2}', escapeMarkdown(capitalise(SOURCE_LABELS[step.evidence.source])), escapeMarkdown(when(step.evidence.at)), escapeMarkdown(step.evidence.detail));
    // The steps that read every Exchange server name the ones still to fix, one per line.
    const servers = step.evidence.servers ?? [];
    if (servers.length > 0) {
      evidence += `\n\n${l10n.t('**Servers not yet right ({0}):**', servers.length)}\n\n${servers.map((server) => `- ${escapeMarkdown(server)}`).join('\n')}`;
    }
    parts.push(evidence);
  } else if (step.children.length > 0) {
    parts.push(l10n.t('*Status follows from the sub-steps.*'));
  } else if (step.status === 'notApplicable') {
    parts.push(l10n.t('*Not applicable with the access method chosen in `exchangeSetup.accessMethod`.*'));
  } else {
    parts.push(l10n.t('*No evidence yet: run its verification, a probe, or tick it when it only needs a person.*'));
  }
  return parts.join('\n\n');
}

export function manualCheckboxTooltip(): string {
  return l10n.t('Only you can confirm this step: tick it when it is done.');
}

/** What a screen reader says for the checkbox of a step only a person can confirm. */
export function manualCheckboxLabel(title: string): string {
  return l10n.t('{0} is done (only you can confirm it)', title);
}

/**
 * The message above the checklist when settings have problems (each issue's own one-line message), or
 * undefined when there are none. Shown while the checklist is, so that a bad value is seen before a
 * command or probe refuses it.
 */
export function settingsProblemsMessage(problems: readonly { readonly message: string }[]): string | undefined {
  if (problems.length === 0) return undefined;
  const list = problems.map((p) => p.message).join(' ');
  return problems.length === 1
    ? l10n.t('A setting needs fixing before snippets and probes can use it (Exchange Setup: Configure, or Preferences: Open Settings): {0}', list)
    : l10n.t('{0} settings need fixing before snippets and probes can use them (Exchange Setup: Configure, or Preferences: Open Settings): {1}', problems.length, list);
}

/** The badge's tooltip: how many required steps are left. */
export function stepsLeftTooltip(left: number): string {
  return left === 1 ? l10n.t('1 setup step left') : l10n.t('{0} setup steps left', left);
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
