import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SETTING_FIELDS } from '../../src/core/settings';

const SCRIPT = join(__dirname, '..', '..', '..', 'scripts', 'fuzz-snippets.mjs');

describe('shell-injection fuzzer (scripts/fuzz-snippets.mjs)', function () {
  // A safety net, not a measurement: 17 fields, each through the dry run, the group filter and the
  // existing-account variants as well.
  this.timeout(400_000);

  it('10,000 hostile values per field: zero escapes, and both outcomes exercised', () => {
    const run = spawnSync(process.execPath, [SCRIPT, '--values', '10000'], { encoding: 'utf8', timeout: 390_000 });
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    const rows = run.stdout.split('\n').filter((line) => /^\S+\s+tried/.test(line));
    assert.equal(rows.length, SETTING_FIELDS.length, run.stdout);
    for (const row of rows) {
      const figures = /^(\S+)\s+tried\s+(\d+)\s+accepted\s+(\d+)\s+rejected\s+(\d+)\s+escapes\s+(\d+)/.exec(row);
      assert.ok(figures, row);
      const [, field, tried, accepted, rejected, escapes] = figures;
      assert.ok(Number(tried) >= 10_000, `${field}: only ${tried} values tried`);
      assert.equal(Number(escapes), 0, row);
      assert.ok(Number(rejected) > 0, `${field}: nothing rejected, the generator is too tame`);
      // The boolean field takes no text at all; every other field must accept some hostile text.
      if (!['impersonation.organizationWide', 'impersonation.scopeCoversRooms', 'serviceAccount.existing'].includes(field)) assert.ok(Number(accepted) > 0, `${field}: nothing accepted, so quoting was never tested`);
    }
    assert.match(run.stdout, /TOTAL fields 17 {2}tried 170000 .* escapes 0 /);
  });
});
