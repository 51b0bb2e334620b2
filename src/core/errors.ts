/**
 * One place that turns failures into words for people: what failed, why, and what to do next.
 * Cancellation is never an error to show.
 */
import type { StepId } from './steps';

/** An error whose message is already written for the admin (no stack needed to understand it). */
export class UserFacingError extends Error {
  constructor(
    message: string,
    /** The checklist step that fixes it, when there is one. */
    readonly step?: StepId,
  ) {
    super(message);
    this.name = 'UserFacingError';
  }
}

export function isCancellation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const name = (error as { name?: unknown }).name;
  return name === 'AbortError' || name === 'Canceled' || name === 'CancellationError';
}

/** An error's own message, or the thrown value as text when it is not an Error. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The message to show for any error; unexpected errors say so and point at the log. */
export function describeError(action: string, error: unknown): string {
  if (error instanceof UserFacingError) return error.message;
  const detail = errorText(error);
  return `${action} failed unexpectedly: ${detail}. The log has the details.`;
}
