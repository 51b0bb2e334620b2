import * as vscode from 'vscode';
// First: the core tables below are built in the display language (see the module).
import './host/l10nSetup';
import { stepTitle } from './core/steps';
import { extensionApi, type ExtensionApi, type TestHooks } from './host/api';
import { registerChecklistView } from './host/checklistView';
import { LazyFeatures, type ContributedCommand } from './host/lazyFeatures';
import { createLog } from './host/log';
import { createSession, type Session } from './host/session';

/** Set by the first line of dist/extension.js (a build banner), before any bundled module runs. */
declare const __ecsBundleStart: number | undefined;
// Modules run before the module that imports them, so this is the end of the bundle's evaluation.
const bundleEvaluatedAt = performance.now();
/** How long evaluating the bundle took, when it was loaded as the bundle (not from out/). */
const bundleLoadMs = typeof __ecsBundleStart === 'number' ? bundleEvaluatedAt - __ecsBundleStart : undefined;

/** Registered at activation with the checklist (src/host/checklistView.ts); every other command waits for first use. */
const ACTIVATION_COMMANDS = new Set(['exchangeSetup.revealStep']);

/** What deactivate() still has to do; VS Code awaits its promise (it does not await disposables). */
let beforeDeactivate: (() => Promise<unknown>) | undefined;

export function activate(context: vscode.ExtensionContext): ExtensionApi | undefined {
  // The figure counts all of activate() but writing the line that reports it, as VS Code's own
  // activation time does (activateCallTime: the whole call): the log channel (0.1-0.2 ms in
  // code-server) and the first CPU reading (0.07-0.1 ms) included. Until 2026-12-08 both were left out.
  const started = performance.now();
  // CPU time as well as elapsed time: on a busy machine the elapsed time also counts the waits for a core.
  const cpuAtStart = process.cpuUsage();
  const log = createLog(context);
  try {
    const { session, disposables } = createSession(context, log);
    const sessionDone = performance.now();
    const checklist = registerChecklistView(session.model, {
      // The session's own answer, kept with its reading: an empty checklist needs no full reading.
      configured: () => session.isConfigured(),
      problems: () => session.readSettings().issues,
      titleOf: (id) => stepTitle(id, session.readSettings().settings),
      onDidRefresh: (listener) => session.onDidRefresh(listener),
      onDidShow: () => session.showContext(),
    }, log);
    const checklistDone = performance.now();
    const contributed = (context.extension.packageJSON as { contributes?: { commands?: ContributedCommand[] } }).contributes?.commands ?? [];
    const features = new LazyFeatures(context, session, log, contributed.filter((c) => !ACTIVATION_COMMANDS.has(c.command)));
    beforeDeactivate = async () => features.loaded()?.clearClipboard();
    context.subscriptions.push(...disposables, ...checklist.disposables, features);
    const cpu = process.cpuUsage(cpuAtStart);
    const ended = performance.now();
    const activationMs = ended - started;
    // The session's part includes the log channel and the CPU reading, the first things done.
    const activationPhases = { session: sessionDone - started, checklist: checklistDone - sessionDone, commands: ended - checklistDone };
    const loading = bundleLoadMs === undefined ? '' : ` (the bundle took ${bundleLoadMs.toFixed(1)} ms to load)`;
    // bench/activation.mjs reads this line back for its everyday starts: keep "Activated in X ms".
    log.info(`Activated in ${activationMs.toFixed(1)} ms${loading} for organisation ${session.organization()}.`);
    const hooks = __ECS_TEST_HOOKS__ && context.extensionMode === vscode.ExtensionMode.Test ? testHooks(session, checklist, features) : undefined;
    return extensionApi({ activationMs, activationCpuMs: (cpu.user + cpu.system) / 1000, activationPhases, bundleLoadMs }, hooks);
  } catch (error) {
    reportActivationFailure(log, error as Error);
    return undefined;
  }
}

function reportActivationFailure(log: ReturnType<typeof createLog>, error: Error): void {
  log.error('Activation failed', error);
  void vscode.window
    .showErrorMessage(vscode.l10n.t('Exchange Calendar Setup could not start: {0}', error.message), vscode.l10n.t('Show Log'))
    .then((choice) => (choice ? log.show() : undefined));
}

/** The integration tests' hooks; those that need the features bundle load it when read. */
function testHooks(session: Session, checklist: ReturnType<typeof registerChecklistView>, features: LazyFeatures): TestHooks {
  return {
    session,
    checklist: checklist.provider,
    checklistMessage: () => checklist.view.message,
    checklistShown: () => checklist.view.visible,
    get terminal() { return features.load().terminal; },
    get probePanel() { return present(features.load().probePanel); },
    verifyStepWithCommand: (id, line) => present(features.load().verifyStepWithCommand)(id, line),
  };
}

function present<T>(hook: T | undefined): T {
  if (hook === undefined) throw new Error('This build has no test hooks (scripts/build.mjs --production drops them).');
  return hook;
}

export async function deactivate(): Promise<void> {
  // Everything else is disposed through context.subscriptions. A password copied for the link step
  // must not outlive the window (a close or reload within its 60 s), when the clipboard still holds it.
  await beforeDeactivate?.();
  beforeDeactivate = undefined;
}
