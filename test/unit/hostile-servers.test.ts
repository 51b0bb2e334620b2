import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { classifyResponse } from '../../src/core/ews/client';
import { parseEwsResponse, readServerVersion } from '../../src/core/ews/soap';
import { parseXml } from '../../src/core/ews/xml';
import { SCENARIO_NAMES, startFakeExchange, type FakeExchange } from '../fake-exchange/server';
import { AUTODISCOVER_LOOPS, HOSTILE_SCENARIOS, judgeProbe, runAutodiscoverLoop, runHostileScenario, type ScenarioOutcome } from '../hostile/scenarios';

/** Fails the running test on any unhandled rejection or uncaught exception, wherever it came from. */
function watchProcess(): { problems: unknown[]; stop: () => void } {
  const problems: unknown[] = [];
  const onProblem = (reason: unknown): void => { problems.push(reason); };
  process.on('unhandledRejection', onProblem);
  process.on('uncaughtException', onProblem);
  return { problems, stop: () => { process.off('unhandledRejection', onProblem); process.off('uncaughtException', onProblem); } };
}

function assertOutcome(outcome: ScenarioOutcome): void {
  assert.deepEqual(outcome.problems, [], `${outcome.scenario} (${outcome.mode}): ${outcome.verdict}: ${outcome.message}`);
  assert.ok(outcome.withinBudget, `${outcome.ms} ms`);
}

describe('broken and hostile servers: probe in-process and as node dist/cli.js', function () {
  this.timeout(60_000);
  let watch: ReturnType<typeof watchProcess>;
  beforeEach(() => { watch = watchProcess(); });
  afterEach(() => {
    watch.stop();
    assert.deepEqual(watch.problems, [], 'no unhandled rejection or uncaught exception');
  });

  it('the CLI bundle exists (node scripts/build.mjs)', () => {
    assert.ok(existsSync(join(__dirname, '..', '..', '..', 'dist', 'cli.js')));
  });

  for (const scenario of HOSTILE_SCENARIOS) {
    it(`${scenario.name}: ${scenario.expect.check} ${scenario.expect.status}, in-process`, async () => {
      assertOutcome(await runHostileScenario(scenario, 'in-process'));
    });
    it(`${scenario.name}: ${scenario.expect.check} ${scenario.expect.status}, as a child process`, async () => {
      assertOutcome(await runHostileScenario(scenario, 'child'));
    });
  }

  for (const loop of AUTODISCOVER_LOOPS) {
    it(`${loop.name}: stops and says why`, async () => {
      assertOutcome(await runAutodiscoverLoop(loop));
    });
  }

  describe('every fake Exchange scenario within its time and memory (verdicts: probe-scenarios.test.ts)', () => {
    let fake: FakeExchange;
    before(async () => { fake = await startFakeExchange({ scenario: 'healthy' }); });
    after(async () => { await fake?.stop(); });
    for (const name of SCENARIO_NAMES) {
      it(name, async () => {
        fake.setScenario(name);
        const outcome = await judgeProbe(name, fake.url, fake.caPem, name === 'slow' ? 1_500 : 15_000, 'in-process', undefined, undefined, name.includes('delegate') ? 'delegate' : 'impersonation');
        assertOutcome(outcome);
        assert.notEqual(outcome.verdict, 'none', 'some check decided');
      });
    }
  });
});

describe('hostile response parsing', () => {
  const info = (attrs: string) => parseXml(`<ServerVersionInfo ${attrs}/>`);

  it('reads real version numbers', () => {
    assert.equal(readServerVersion(info('MajorVersion="15" MinorVersion="2" MajorBuildNumber="2562" MinorBuildNumber="17"'))?.build, '15.2.2562.17');
  });

  it('refuses version numbers that are not 16-bit whole numbers, instead of classifying them', () => {
    for (const attrs of ['MajorVersion="99999999999999999999" MinorVersion="1"', 'MajorVersion="65536" MinorVersion="0"', 'MajorVersion="-1" MinorVersion="0"',
      'MajorVersion="1e3" MinorVersion="0"', 'MajorVersion="0x0F" MinorVersion="0"', 'MajorVersion="15" MinorVersion="NaN"', 'MajorVersion="" MinorVersion=""']) {
      assert.equal(readServerVersion(info(attrs)), undefined, attrs);
    }
  });

  it('says what a garbage ServerVersionInfo held, shortened', () => {
    const envelope = '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><ServerVersionInfo MajorVersion="'
      + '9'.repeat(500) + '" MinorVersion="x"/></s:Header><s:Body/></s:Envelope>';
    const response = parseEwsResponse(envelope);
    assert.equal(response.serverVersion, undefined);
    assert.match(response.serverVersionProblem ?? '', /^MajorVersion="9{24}" MinorVersion="x"/);
    assert.ok((response.serverVersionProblem ?? '').length < 200);
  });

  it('never reads a body that was not valid UTF-8 as EWS XML', () => {
    const outcome = classifyResponse({ status: 200, statusText: 'OK', headers: { 'content-type': ['text/xml; charset=utf-8'] }, body: '<a>\ufffd</a>', invalidUtf8: true });
    assert.equal(outcome.ok, false);
    assert.deepEqual(!outcome.ok && outcome.failure, { kind: 'format', status: 200, detail: 'the body is not valid UTF-8' });
  });

  it('refuses DOCTYPEs quickly, whatever the entity nesting', () => {
    const levels = ['<!ENTITY a0 "x">'];
    for (let i = 1; i < 30; i++) levels.push(`<!ENTITY a${i} "${`&a${i - 1};`.repeat(10)}">`);
    const started = Date.now();
    assert.throws(() => parseXml(`<!DOCTYPE r [${levels.join('')}]><r>&a29;</r>`), /Document type declarations are not accepted/);
    assert.throws(() => parseXml('<r>&a29;</r>'), /Unknown entity/);
    assert.ok(Date.now() - started < 100);
  });
});

describe('XML references', () => {
  it('decodes the predefined entities and character references', () => {
    assert.equal(parseXml('<r a="&lt;&#x41;&#66;">&amp;&apos;&quot;&gt;&#x1F600;</r>').text, '&\'">\u{1F600}');
    assert.equal(parseXml('<r a="&lt;&#x41;&#66;"/>').attrs.a, '<AB');
  });

  it('refuses an & that starts no valid reference, instead of keeping it as text', () => {
    for (const body of ['a & b', '&a29;', '&amp', '&#;', '&#x110000;', '&#0;', '&#xD800;', '&#99999999999;', `&${'a'.repeat(100)};`]) {
      assert.throws(() => parseXml(`<r>${body}</r>`), (e: unknown) => e instanceof Error && e.name === 'XmlError', body);
    }
  });
});
