/**
 * The walkthrough's steps (package.json contributes.walkthroughs) and the checklist state that completes
 * each, as data: the manifest's completionEvents are held to this table by a unit test, and the host
 * pushes the same verdicts to VS Code whenever they change, so the walkthrough shows the real state
 * whenever it is opened.
 *
 * Why both: VS Code completes a step on an `onContext:` event only when its expression turns true while
 * the walkthrough service is listening. That service starts lazily, the first time a walkthrough or the
 * Welcome page is shown; an expression already true by then is counted as seen and never completes the
 * step (microsoft/vscode, src/vs/workbench/contrib/welcomeGettingStarted/browser/gettingStartedService.ts,
 * registerDoneListeners). Seen in code-server 4.100.3: configured, then the walkthrough opened, showed
 * "Describe your organisation" not done. The host therefore also marks steps complete or incomplete with
 * the workbench's own commands (walkthroughCommand below).
 */
export const WALKTHROUGH_ID = 'exchangeSetup.walkthrough';

export type WalkthroughStepId = 'configure' | 'prerequisites' | 'basicAuth' | 'serviceAccount' | 'access' | 'link';

/** Each walkthrough step, in order, with the context keys that must all be true for it to be done. */
export const WALKTHROUGH_STEPS: readonly { readonly id: WalkthroughStepId; readonly keys: readonly string[] }[] = [
  { id: 'configure', keys: ['exchangeSetup.configured'] },
  { id: 'prerequisites', keys: ['exchangeSetup.done.prerequisites'] },
  { id: 'basicAuth', keys: ['exchangeSetup.done.basicAuth'] },
  { id: 'serviceAccount', keys: ['exchangeSetup.done.serviceAccount'] },
  { id: 'access', keys: ['exchangeSetup.done.access'] },
  { id: 'link', keys: ['exchangeSetup.done.link', 'exchangeSetup.done.test'] },
];

/** The completion event the manifest declares for a step: one `onContext:` expression over its keys. */
export function completionEvent(step: { readonly keys: readonly string[] }): string {
  return `onContext:${step.keys.join(' && ')}`;
}

/** Which walkthrough steps are done for these context key values (a key not given counts as false). */
export function walkthroughProgress(keys: Readonly<Record<string, boolean>>): Record<WalkthroughStepId, boolean> {
  const progress = {} as Record<WalkthroughStepId, boolean>;
  for (const step of WALKTHROUGH_STEPS) progress[step.id] = step.keys.every((key) => keys[key] === true);
  return progress;
}

/**
 * The workbench command that marks one step and its argument, the step's full id
 * `<publisher>.<name>#<walkthrough>#<step>`. These are the commands behind the walkthrough's own
 * "Mark Done" checkbox (gettingStarted.contribution.ts: welcome.markStepComplete / welcome.markStepIncomplete).
 */
export function walkthroughCommand(extensionId: string, step: WalkthroughStepId, done: boolean): { command: string; stepId: string } {
  return { command: done ? 'welcome.markStepComplete' : 'welcome.markStepIncomplete', stepId: `${extensionId}#${WALKTHROUGH_ID}#${step}` };
}
