#!/usr/bin/env node
// The demo: the extension in real VS Code against the embedded fake Exchange, no real server needed.
//
//   npm run demo [-- --scenario NAME] [--port N] [--desktop] [--no-build]
//
// Builds, starts the fake Exchange (healthy by default) with its test CA, starts code-server with the
// extension loaded and settings pointing at the fake, prints the URL to open and the demo password,
// and stops everything on Ctrl+C. --desktop uses `code --extensionDevelopmentPath` when `code` is on
// the PATH.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, startCodeServer, stopProcessGroup, workbenchUrl, HarnessError } from './lib/code-server.mjs';
import { makeTempDir, repoRoot, writeSettings } from './lib/vscode-test-env.mjs';

const require = createRequire(import.meta.url);

function usage(message) {
  if (message) console.error(`demo: ${message}`);
  console.error('usage: npm run demo [-- --scenario NAME] [--port N] [--desktop] [--no-build]');
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      scenario: { type: 'string', default: 'healthy' },
      port: { type: 'string' },
      desktop: { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
} catch (error) {
  usage(error.message);
}
const options = parsed.values;
if (options.help) usage();
const port = options.port === undefined ? undefined : Number(options.port);
if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) usage(`--port takes a TCP port number, not "${options.port}"`);

if (!options['no-build']) {
  const build = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const fakeModule = require(join(repoRoot, 'out', 'test', 'fake-exchange', 'server.js'));
const nodesModule = require(join(repoRoot, 'out', 'test', 'fake-exchange', 'nodes.js'));
// nodes-*: several servers behind the EWS name, one of them misconfigured (issue 16).
const multiNode = nodesModule.isNodesScenarioName(options.scenario);
if (!fakeModule.isScenarioName(options.scenario) && !multiNode) {
  usage(`unknown scenario "${options.scenario}"; one of: ${[...fakeModule.SCENARIO_NAMES, ...nodesModule.NODE_SCENARIO_NAMES].join(', ')}`);
}

const cleanups = [];
let stopping = false;
async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping the demo...');
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (error) {
      console.error(`  (cleanup: ${error.message})`);
    }
  }
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void stopAll(0));

function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

try {
  // The nodes start at 127.0.0.1, so the EWS name (localhost) reaches the first one for the ordinary probes.
  const fake = multiNode
    ? await nodesModule.startFakeExchangeNodes({ scenario: options.scenario, firstHost: 1 })
    : await fakeModule.startFakeExchange({ scenario: options.scenario });
  const nodeAddresses = multiNode ? fake.nodes.map((n) => n.address) : [];
  const roomShortcut = options.scenario.startsWith('rooms-');
  cleanups.push(() => fake.stop());

  const runDir = makeTempDir('demo');
  cleanups.push(() => rmSync(runDir, { recursive: true, force: true }));
  const userDataDir = join(runDir, 'user-data');
  const workspace = join(runDir, 'workspace');
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  writeFileSync(join(workspace, '.vscode', 'settings.json'), '{}\n');
  // No PowerShell on this machine: bash stands in so the terminal opens; snippets show, but do not run.
  const shell = hasCommand('pwsh') || process.platform === 'win32' ? '' : 'bash';
  const settings = {
    'workbench.startupEditor': 'none',
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'exchangeSetup.ewsUrl': fake.url,
    'exchangeSetup.exchangeServer': 'EXCH01',
    'exchangeSetup.serviceAccount.upn': fakeModule.FAKE_SERVICE_ACCOUNT,
    'exchangeSetup.testMailbox': fakeModule.FAKE_TEST_MAILBOX,
    'exchangeSetup.accessMethod': options.scenario === 'healthy-delegate' || options.scenario === 'delegate-denied' || options.scenario.endsWith('-delegate') ? 'delegate' : 'impersonation',
    'exchangeSetup.tls.extraCaFile': fake.caFile,
    'exchangeSetup.powershellPath': shell,
    ...(multiNode ? { 'exchangeSetup.probes.nodes': nodeAddresses } : {}),
    // The shortcut path (issue 14): the account already serves room calendars.
    ...(roomShortcut ? { 'exchangeSetup.serviceAccount.existing': true, 'exchangeSetup.testRoomMailbox': fakeModule.FAKE_TEST_ROOM_MAILBOX } : {}),
  };
  writeSettings(userDataDir, settings);

  let url;
  if (options.desktop) {
    if (!hasCommand('code')) throw new HarnessError('--desktop needs the `code` command on the PATH (VS Code: "Shell Command: Install \'code\' command in PATH")');
    const child = spawn('code', ['--new-window', '--wait', `--extensionDevelopmentPath=${repoRoot}`, '--user-data-dir', userDataDir, workspace], {
      stdio: 'inherit', detached: true,
    });
    cleanups.push(() => stopProcessGroup(child));
    child.on('exit', () => void stopAll(0));
    url = '(desktop VS Code window)';
  } else {
    const codeServerPort = port ?? (await freePort());
    let child;
    cleanups.push(() => stopProcessGroup(child));
    child = await startCodeServer({
      port: codeServerPort, userDataDir, extensionsDir: join(runDir, 'extensions'), workspace,
      env: {}, logFile: join(runDir, 'code-server.log'), onStart: (c) => { child = c; },
    });
    child.on('exit', (code) => {
      if (!stopping) {
        console.error(`code-server exited (code ${code}); see ${join(runDir, 'code-server.log')}`);
        void stopAll(1);
      }
    });
    url = workbenchUrl(codeServerPort, workspace, { extensionDir: repoRoot });
  }

  console.log(`
Exchange Calendar Setup demo (scenario: ${options.scenario})

  Open:              ${url}
  Fake EWS URL:      ${fake.url}
  Service account:   ${fakeModule.FAKE_SERVICE_ACCOUNT}
  Demo password:     ${fakeModule.FAKE_PASSWORD}   (only the fake Exchange knows it)
  Test mailbox:      ${fakeModule.FAKE_TEST_MAILBOX}${roomShortcut ? `\n  Test room mailbox: ${fakeModule.FAKE_TEST_ROOM_MAILBOX}` : ''}
  Test CA:           ${fake.caFile}   (set as exchangeSetup.tls.extraCaFile)
  Terminal shell:    ${shell || 'default (pwsh / powershell.exe)'}${multiNode ? `
  Nodes:             ${nodeAddresses.join(', ')} (the odd one: ${fake.oddAddress ?? 'none'}; set as exchangeSetup.probes.nodes)
  Per-node probes:   EWS_PASSWORD='${fakeModule.FAKE_PASSWORD}' node dist/cli.js probe --url ${fake.url} --user ${fakeModule.FAKE_SERVICE_ACCOUNT} --mailbox ${fakeModule.FAKE_TEST_MAILBOX} --ca ${fake.caFile} ${nodeAddresses.map((a) => `--node ${a}`).join(' ')}` : ''}

The Exchange Setup icon in the activity bar opens the checklist; "Open Probe & Link Panel" runs the
probes. Other scenarios: npm run demo -- --scenario impersonation-denied (see test/fake-exchange/README.md).
Press Ctrl+C to stop everything.`);
  if (roomShortcut) {
    // No Exchange shell here: these keys stand in for running the access step and its rollback, so the
    // probes show the user access added beside the rooms' and then removed again.
    const [before, after] = options.scenario.endsWith('-delegate') ? ['rooms-only-delegate', 'rooms-and-users-delegate'] : ['rooms-only', 'rooms-and-users'];
    console.log(`
The service account already serves the room mailboxes (test room mailbox ${fakeModule.FAKE_TEST_ROOM_MAILBOX}).
Type "a" and Enter here once you have "run" the access step (the fake then grants user access too),
"r" and Enter for its rollback (back to the rooms only).`);
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (typed) => {
      const key = String(typed).trim().toLowerCase();
      if (key !== 'a' && key !== 'r') return;
      fake.setScenario(key === 'a' ? after : before);
      console.log(`fake Exchange: scenario ${fake.scenario}`);
    });
  }
} catch (error) {
  console.error(`demo: ${error instanceof HarnessError ? error.message : error.stack ?? error}`);
  await stopAll(1);
}
