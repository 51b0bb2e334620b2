/**
 * A small typed event emitter for the run objects. `src/core` cannot use `vscode.EventEmitter`, and
 * Node's EventEmitter is typed by string names; this one carries one event union per run object, so
 * a listener's `switch (event.type)` is checked by the compiler. A listener that throws does not stop
 * the others or the run: the error goes to `onListenerError` (the host logs it).
 */

export interface Subscription {
  dispose(): void;
}

export type Listener<T> = (event: T) => void;

export class Emitter<T> {
  private listeners = new Set<Listener<T>>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => undefined) {}

  /** Adds a listener; dispose the answer to remove it. */
  readonly on = (listener: Listener<T>): Subscription => {
    this.listeners.add(listener);
    return { dispose: () => { this.listeners.delete(listener); } };
  };

  emit(event: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}

/**
 * The one current run of a run object: starting a new one aborts the one before (as a search in
 * vscode-hexeditor's searchProvider disposes the previous search). `isCurrent` tells a finishing run
 * whether it was replaced, so a replaced run never reports over its successor.
 */
export class CurrentRun {
  private controller: AbortController | undefined;
  private counter = 0;

  begin(): { id: number; signal: AbortSignal; isCurrent(): boolean; end(): void } {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    const id = ++this.counter;
    return {
      id,
      signal: controller.signal,
      isCurrent: () => this.controller === controller,
      end: () => {
        if (this.controller === controller) this.controller = undefined;
      },
    };
  }

  /** Whether a run is in progress. */
  get running(): boolean {
    return this.controller !== undefined;
  }

  cancel(): void {
    this.controller?.abort();
  }
}

/** The error a cancelled run rejects with: named like the platform's, so isCancellation() knows it. */
export class RunCancelled extends Error {
  constructor() {
    super('Cancelled');
    this.name = 'AbortError';
  }
}

/** A promise that rejects with RunCancelled when the signal aborts (never resolves). */
export function whenAborted(signal: AbortSignal): Promise<never> {
  const stopped = new Promise<never>((_resolve, reject) => {
    if (signal.aborted) reject(new RunCancelled());
    else signal.addEventListener('abort', () => reject(new RunCancelled()), { once: true });
  });
  stopped.catch(() => undefined);
  return stopped;
}
