import type { StepId } from '../core/steps';
import type { ChecklistTreeProvider } from './checklistView';
import type { ProbePanelInspector } from './probePanel';
import type { Session } from './session';
import type { ExchangeTerminal } from './terminal';

/** What activate() returns: used by the integration tests and by the benchmark that times activation. */
export interface ExtensionApi {
  readonly session: Session;
  readonly terminal: ExchangeTerminal;
  readonly checklist: ChecklistTreeProvider;
  /** The message above the checklist (the warning about workspace values that shape snippets). */
  checklistMessage(): string | undefined;
  /** The probe panel's page as sent and its message route (the CSP and secrets tests). */
  readonly probePanel: ProbePanelInspector;
  /** activate()'s own time, in milliseconds. */
  readonly activationMs: number;
  /** Evaluating dist/extension.js before activate() (undefined when loaded from out/ in unit runs). */
  readonly bundleLoadMs: number | undefined;
  /** Runs a verification with a stand-in command line (bash prints recorded PowerShell output in tests). */
  verifyStepWithCommand(id: StepId, commandLine: string): Promise<'read' | 'inserted'>;
}
