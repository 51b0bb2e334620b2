// A minimal in-memory stand-in for the `vscode` module: just what activation touches (the
// checklist, the session and the stand-in commands), so a unit test can load a real bundle of
// the extension and call its activate(). Anything else it is asked for throws, naming the member.
import Module from 'node:module';

type Listener<T> = (value: T) => unknown;

class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  readonly event = (listener: Listener<T>) => {
    this.listeners.push(listener);
    return { dispose: () => { this.listeners = this.listeners.filter((l) => l !== listener); } };
  };
  fire(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }
  dispose(): void {
    this.listeners = [];
  }
}

const disposable = () => ({ dispose: () => undefined });

export interface FakeVscode {
  /** The module object handed to `require('vscode')`. */
  readonly module: Record<string, unknown>;
  /** Command ids registered now (disposed ones removed). */
  readonly commands: Map<string, (...args: unknown[]) => unknown>;
  /** Everything the extension logged. */
  readonly logLines: string[];
  /** Every executeCommand call, as "<id> <first argument>" (setContext and workbench commands included). */
  readonly executed: string[];
  /** Tells the extension that settings under `section` changed, as onDidChangeConfiguration does. */
  fireConfigurationChange(section: string): void;
  /** Sets a tree view made by createTreeView visible or hidden and tells its listeners. */
  fireVisibility(view: unknown, visible: boolean): void;
}

export function createFakeVscode(): FakeVscode {
  const commands = new Map<string, (...args: unknown[]) => unknown>();
  const logLines: string[] = [];
  const executed: string[] = [];
  const configurationChanged = new EventEmitter<{ affectsConfiguration(section: string): boolean }>();
  const visibilityEmitters = new WeakMap<object, EventEmitter<{ visible: boolean }>>();
  const log = (level: string) => (...parts: unknown[]) => { logLines.push(`${level} ${parts.map(String).join(' ')}`); };
  const vscodeModule: Record<string, unknown> = {
    EventEmitter,
    CancellationError: class CancellationError extends Error {},
    MarkdownString: class MarkdownString { constructor(readonly value = '') {} },
    // English: no bundle loaded, and t() fills the {0} placeholders as VS Code's does.
    l10n: { bundle: undefined, t: (message: string, ...args: unknown[]) => message.replace(/\{(\d+)\}/g, (m, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : m)) },
    ThemeColor: class ThemeColor { constructor(readonly id: string) {} },
    ThemeIcon: class ThemeIcon { constructor(readonly id: string, readonly color?: unknown) {} },
    TreeItem: class TreeItem { constructor(readonly label: unknown, readonly collapsibleState?: number) {} },
    TreeItemCheckboxState: { Unchecked: 0, Checked: 1 },
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    ExtensionMode: { Production: 1, Development: 2, Test: 3 },
    ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
    commands: {
      registerCommand(id: string, handler: (...args: unknown[]) => unknown) {
        // As VS Code's extension host does: one handler per id.
        if (commands.has(id)) throw new Error(`command '${id}' already exists`);
        commands.set(id, handler);
        return { dispose: () => { if (commands.get(id) === handler) commands.delete(id); } };
      },
      async executeCommand(id: string, ...args: unknown[]) {
        executed.push(`${id} ${String(args[0])}`);
        if (id === 'setContext') return undefined;
        const handler = commands.get(id);
        if (!handler) throw new Error(`command '${id}' not found`);
        return handler(...args);
      },
    },
    window: {
      createOutputChannel: () => ({
        info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug'), trace: log('trace'),
        appendLine: log('line'), show: () => undefined, dispose: () => undefined,
      }),
      createTreeView: () => {
        const visibility = new EventEmitter<{ visible: boolean }>();
        const view = {
          message: undefined as string | undefined, badge: undefined, visible: false,
          onDidChangeCheckboxState: () => disposable(),
          onDidChangeVisibility: visibility.event,
          reveal: async () => undefined,
          dispose: () => undefined,
        };
        visibilityEmitters.set(view, visibility);
        return view;
      },
      registerWebviewPanelSerializer: () => disposable(),
      showErrorMessage: async (...parts: unknown[]) => { logLines.push(`shown error ${parts.map(String).join(' ')}`); return undefined; },
      showWarningMessage: async (...parts: unknown[]) => { logLines.push(`shown warning ${parts.map(String).join(' ')}`); return undefined; },
    },
    workspace: {
      isTrusted: true,
      // No setting is set anywhere: every read returns the default the code passes.
      getConfiguration: () => ({
        get: (_key: string, fallback?: unknown) => fallback,
        inspect: (key: string) => ({ key }),
        update: async () => undefined,
      }),
      onDidChangeConfiguration: configurationChanged.event,
      onDidGrantWorkspaceTrust: () => disposable(),
      registerTextDocumentContentProvider: () => disposable(),
    },
  };
  const module = new Proxy(vscodeModule, {
    get(target, name) {
      if (typeof name === 'symbol' || name in target || name === 'then' || name === '__esModule' || name === 'default') return target[name as string];
      throw new Error(`test/support/fakeVscode.ts has no vscode.${name}: add it if activation now needs it`);
    },
  });
  return {
    module, commands, logLines, executed,
    fireConfigurationChange: (section) => configurationChanged.fire({ affectsConfiguration: (asked) => asked === section || asked.startsWith(`${section}.`) || section.startsWith(`${asked}.`) }),
    fireVisibility: (view, visible) => {
      const emitter = visibilityEmitters.get(view as object);
      if (!emitter) throw new Error('fireVisibility: not a view made by createTreeView');
      (view as { visible: boolean }).visible = visible;
      emitter.fire({ visible });
    },
  };
}

/** A fake ExtensionContext in the given ExtensionMode, with the manifest's commands. */
export function fakeContext(mode: number, packageJSON: unknown): { subscriptions: { dispose(): unknown }[] } & Record<string, unknown> {
  const memento = () => {
    const values = new Map<string, unknown>();
    return { get: (key: string, fallback?: unknown) => (values.has(key) ? values.get(key) : fallback), update: async (key: string, value: unknown) => { values.set(key, value); }, keys: () => [...values.keys()] };
  };
  return {
    subscriptions: [],
    extensionMode: mode,
    extension: { packageJSON },
    globalState: { ...memento(), setKeysForSync: () => undefined },
    workspaceState: memento(),
  };
}

/**
 * Runs `load` with `require('vscode')` answered by the fake, from any module (a bundle in a temp
 * folder included); the hook is removed afterwards.
 */
export function withFakeVscode<T>(fake: FakeVscode, load: () => T): T {
  const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = loader._load;
  loader._load = function (request: string, ...rest: unknown[]) {
    if (request === 'vscode') return fake.module;
    return original.call(this, request, ...rest);
  };
  try {
    return load();
  } finally {
    loader._load = original;
  }
}
