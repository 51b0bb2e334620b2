import type { StepId } from '../core/steps';
import type { ChecklistTreeProvider } from './checklistView';
import type { ProbePanelInspector } from './probePanel';
import type { Session } from './session';
import type { ExchangeTerminal } from './terminal';

/**
 * What activate() returns to every extension: figures read by the benchmark that times activation.
 * Nothing here runs a command line or drives the panel.
 */
export interface ExtensionApi {
  /** activate()'s own time, in milliseconds. */
  readonly activationMs: number;
  /** The CPU time the extension host process spent in activate() (every thread of it), in milliseconds. */
  readonly activationCpuMs: number;
  /** The parts of activationMs: settings, progress and context keys; the checklist view; the commands and the rest. */
  readonly activationPhases: Readonly<{ session: number; checklist: number; commands: number }>;
  /** Evaluating dist/extension.js before activate() (undefined when loaded from out/ in unit runs). */
  readonly bundleLoadMs: number | undefined;
}

/**
 * The integration tests' hooks. activate() adds them only when the build keeps them (not
 * `build.mjs --production`, which compiles them out) and VS Code runs the extension in
 * ExtensionMode.Test (loaded with extensionTestsPath), so a packaged extension never has them.
 */
export interface TestHooks {
  readonly session: Session;
  readonly terminal: ExchangeTerminal;
  readonly checklist: ChecklistTreeProvider;
  /** The message above the checklist (the warning about workspace values that shape snippets), worked out while the view is shown. */
  checklistMessage(): string | undefined;
  /** Whether the checklist view is shown (VS Code tells the extension host just after a focus command). */
  checklistShown(): boolean;
  /** The probe panel's page as sent and its message route (the CSP and secrets tests). */
  readonly probePanel: ProbePanelInspector;
  /** Runs a verification with a stand-in command line (bash prints recorded PowerShell output in tests). */
  verifyStepWithCommand(id: StepId, commandLine: string): Promise<'read' | 'inserted'>;
}

export type TestApi = ExtensionApi & TestHooks;

/**
 * The object activate() returns, frozen: the figures, plus the hooks when `hooks` is given. Hooks
 * defined as getters stay getters, so a hook that needs the features bundle loads it when read.
 */
export function extensionApi(figures: ExtensionApi, hooks?: TestHooks): ExtensionApi | TestApi {
  const api = { activationMs: figures.activationMs, activationCpuMs: figures.activationCpuMs, activationPhases: Object.freeze({ ...figures.activationPhases }), bundleLoadMs: figures.bundleLoadMs };
  if (hooks) Object.defineProperties(api, Object.getOwnPropertyDescriptors(hooks));
  return Object.freeze(api);
}
