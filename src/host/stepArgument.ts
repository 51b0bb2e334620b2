import * as vscode from 'vscode';
import type { SetupModel } from '../core/model';
import { STEPS, isStepId, type StepId } from '../core/steps';

/**
 * Commands take a step from the tree (a StepView), from a caller (a step id), or, from the palette,
 * ask for one. Undefined means the person dismissed the picker.
 */
export async function resolveStep(
  arg: unknown,
  model: SetupModel,
  filter: (id: StepId) => boolean,
  placeHolder: string,
): Promise<StepId | undefined> {
  if (isStepId(arg)) return arg;
  if (typeof arg === 'object' && arg !== null && isStepId((arg as { id?: unknown }).id)) return (arg as { id: StepId }).id;
  const picks = STEPS.filter((s) => filter(s.id) && model.isApplicable(s.id)).map((s) => ({
    label: s.title,
    description: s.id,
    detail: s.summary,
    id: s.id,
  }));
  const chosen = await vscode.window.showQuickPick(picks, { placeHolder, matchOnDescription: true, matchOnDetail: true });
  return chosen?.id;
}
