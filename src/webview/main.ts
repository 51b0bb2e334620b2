/**
 * Browser entry of the Probe & Link panel (bundled to dist/webview.js). It has no network access
 * (the page's CSP is default-src 'none'): everything goes through the host, which validates each
 * message. The page announces `ready` once its listener is in place; the host sends nothing before.
 */
// First: the tables the page imports are built in the display language (see the module).
import './l10nSetup';
import { isHostMessage, type WebviewMessage } from '../core/protocol';
import { PanelView, type ViewState } from './render';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: ViewState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

function savedState(raw: unknown): ViewState {
  if (typeof raw !== 'object' || raw === null) return {};
  const state = raw as ViewState;
  const form = state.form;
  const formOk = typeof form === 'object' && form !== null && typeof form.ewsUrl === 'string' && typeof form.upn === 'string'
    && typeof form.testMailbox === 'string' && (form.accessMethod === 'impersonation' || form.accessMethod === 'delegate') && typeof form.write === 'boolean';
  return {
    form: formOk ? form : undefined,
    email: typeof state.email === 'string' ? state.email : undefined,
    mailboxText: typeof state.mailboxText === 'string' ? state.mailboxText : undefined,
  };
}

const vscode = acquireVsCodeApi();
const view = new PanelView(document, {
  post: (message) => vscode.postMessage(message),
  saveState: (state) => vscode.setState(state),
}, savedState(vscode.getState()));
document.body.append(view.root);

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isHostMessage(event.data)) view.handle(event.data);
});
vscode.postMessage({ type: 'ready' });
