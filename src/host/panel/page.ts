/**
 * The panel's page: scripts only from dist/webview.js with a fresh nonce, styles and images only
 * from the extension (the webview's cspSource), nothing else (default-src 'none'), no command URIs.
 * The page's words come from the bundle VS Code loaded for the display language, handed over in a
 * <meta name="l10n-bundle"> (data, not script, so the CSP stays as it is); src/webview/main.ts reads it.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export function pageHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(18).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'panel.css'));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const bundle = escapeAttribute(JSON.stringify(vscode.l10n.bundle ?? {}));
  return [
    '<!DOCTYPE html>',
    `<html lang="${escapeAttribute(vscode.env.language)}">`,
    '<head>',
    '<meta charset="UTF-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
    `<meta name="l10n-bundle" content="${bundle}">`,
    `<link rel="stylesheet" href="${style.toString()}">`,
    `<title>${escapeAttribute(vscode.l10n.t('Exchange Probe & Link'))}</title>`,
    '</head>',
    '<body>',
    `<script nonce="${nonce}" src="${script.toString()}"></script>`,
    '</body>',
    '</html>',
  ].join('\n');
}

/** Text made safe inside a double-quoted attribute or an element. */
function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
