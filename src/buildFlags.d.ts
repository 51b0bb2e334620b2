/**
 * Replaced by scripts/build.mjs (esbuild `define`): false in the production build, which then
 * drops every test hook as dead code; true in the development build and the transpile in out/.
 */
declare const __ECS_TEST_HOOKS__: boolean;
