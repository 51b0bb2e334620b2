/**
 * What the workbench is believed to hold for a set of on/off values (context keys, walkthrough
 * marks), so that only the values that differ from it are sent. Every value sent is a message from
 * the extension host to the workbench; at activation most of them would change nothing (a fresh
 * window holds no context key of ours, a fresh profile no walkthrough mark), and those messages were
 * most of activate()'s time (bench/results.json, activation).
 *
 * `assumed` is what a key not recorded is believed to hold: `false` where the workbench's own
 * default is known to be off, `undefined` where nothing is known (then every value is sent once).
 */
export class WorkbenchMirror<K extends string = string> {
  private readonly held = new Map<K, boolean>();

  constructor(
    private readonly assumed: boolean | undefined,
    recorded: Readonly<Partial<Record<K, boolean>>> = {} as Partial<Record<K, boolean>>,
  ) {
    for (const [key, value] of Object.entries(recorded) as [K, boolean | undefined][]) {
      if (typeof value === 'boolean') this.held.set(key, value);
    }
  }

  /** The entries of `wanted` that differ from what the workbench holds; they count as held from now on. */
  changes(wanted: Readonly<Record<K, boolean>>): [K, boolean][] {
    const changed: [K, boolean][] = [];
    for (const [key, value] of Object.entries(wanted) as [K, boolean][]) {
      if ((this.held.has(key) ? this.held.get(key) : this.assumed) === value) continue;
      this.held.set(key, value);
      changed.push([key, value]);
    }
    return changed;
  }

  /** What is held now, for keys sent or recorded (for storing between sessions). */
  snapshot(): Record<K, boolean> {
    return Object.fromEntries(this.held) as Record<K, boolean>;
  }
}
