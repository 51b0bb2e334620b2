// The bundles loaded on first use, as each bundle that loads them names them (kept external by the
// build: scripts/build.mjs). One list for the build and for the activation benchmark, which builds the
// activation bundle again to see which packages esbuild put into it (bench/activation.mjs).
//
// Activation loads only dist/extension.js (the checklist and stand-ins for the commands); the settings'
// checks are dist/settings-checks.js, loaded when the checklist is first shown or a setting changes;
// the commands, the panel, Autodiscover, the link targets and the reports are dist/features.js, loaded
// on first use (src/host/lazyFeatures.ts), and the EWS library and the AWS SDK are bundles of their
// own, loaded on the first probe or WorkMail link.
export const lazyBundles = ['./features.js', './settings-checks.js', './probe-engine.js', './link-workmail.js'];
