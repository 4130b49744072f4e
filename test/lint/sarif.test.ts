// `mwchain lint --format sarif` against the official SARIF 2.1.0 schema (OASIS, JSON Schema
// draft 2020-12, vendored in test/support/schemas/), plus what the contract asks of it: rule
// ids as ruleId, one tool.driver.rules entry per rule with a help text, and locations that point
// into the analysed directory with 1-based lines and columns, the same as the JSON output's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fixture } from '../support/fixtures';
import { lintJson, mwchain, parseJson, RULE_IDS, type LintFinding } from './lint-cli';

const ROOT = path.resolve(__dirname, '../..');
const SCHEMA = path.resolve(__dirname, '../support/schemas/sarif-2.1.0.json');

// ---- ajv 8 ----------------------------------------------------------------------------------
// The schema is draft 2020-12, which needs ajv 8 (`ajv/dist/2020`). The project's top-level
// `ajv` is 6 (eslint's); ajv 8 is only installed nested, under packages that depend on it. Use
// the top-level one if it is 8, else the first nested ajv 8. ajv-formats is not installed, so the
// schema's `format` keywords (uri, date-time...) are not asserted: validateFormats is off.

interface AjvError {
  instancePath: string;
  schemaPath: string;
  message?: string;
  params: unknown;
}
interface ValidateFn {
  (data: unknown): boolean;
  errors?: AjvError[] | null;
}
interface Ajv2020Instance {
  compile(schema: unknown): ValidateFn;
}
type Ajv2020Ctor = new (opts: Record<string, unknown>) => Ajv2020Instance;

function loadAjv2020(): { Ajv2020: Ajv2020Ctor; where: string } {
  const tried: string[] = [];
  for (const from of ['', 'table', '@secretlint/config-loader']) {
    const manifest = from
      ? path.join(ROOT, 'node_modules', from, 'package.json')
      : path.join(ROOT, 'package.json');
    if (!existsSync(manifest)) continue;
    const req = createRequire(manifest);
    try {
      const version = (req('ajv/package.json') as { version: string }).version;
      tried.push(`${from || 'mwchain'} -> ajv ${version}`);
      if (!version.startsWith('8.')) continue;
      const mod = req('ajv/dist/2020') as { default: Ajv2020Ctor };
      return { Ajv2020: mod.default, where: `ajv ${version} via ${from || 'mwchain'}` };
    } catch {
      tried.push(`${from || 'mwchain'} -> no ajv`);
    }
  }
  throw new Error(`ajv 8 is not installed (found: ${tried.join('; ')}); add ajv@^8 as a devDependency`);
}

let validator: ValidateFn | undefined;
function validateSarif(log: unknown): AjvError[] {
  if (!validator) {
    const { Ajv2020 } = loadAjv2020();
    const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
    validator = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')));
  }
  return validator(log) ? [] : (validator.errors ?? []);
}

const describeErrors = (errors: AjvError[]): string =>
  errors
    .slice(0, 30)
    .map((e) => `  ${e.instancePath || '/'}: ${e.message} (${e.schemaPath} ${JSON.stringify(e.params)})`)
    .join('\n');

// ---- the SARIF shapes the assertions read ---------------------------------------------------

interface SarifLocation {
  physicalLocation?: {
    artifactLocation?: { uri?: string; uriBaseId?: string };
    region?: { startLine?: number; startColumn?: number; endLine?: number; endColumn?: number };
  };
}
interface SarifResult {
  ruleId?: string;
  ruleIndex?: number;
  level?: string;
  message: { text?: string };
  locations?: SarifLocation[];
  relatedLocations?: SarifLocation[];
}
interface SarifLog {
  version: string;
  runs: {
    tool: {
      driver: {
        name: string;
        rules?: { id: string; help?: { text?: string }; shortDescription?: { text?: string } }[];
      };
    };
    results?: SarifResult[];
  }[];
}

function lintSarif(dir: string): { code: number | null; stderr: string; log: SarifLog } {
  const r = mwchain('lint', dir, '--format', 'sarif');
  return {
    code: r.code,
    stderr: r.stderr,
    log: parseJson<SarifLog>(r, `mwchain lint ${dir} --format sarif`),
  };
}

const DEFECTS = fixture('lint-defects');

/**
 * Beyond the contract's 12 rule ids, the driver lists `unused-suppression`: the info finding the
 * lint issue asks for when a suppression comment silences nothing. It is the lint engine's, not a
 * chain rule, so it has no entry in the contract's rule table.
 */
const EXTRA_RULES: string[] = ['unused-suppression'];
const DRIVER_RULES = [...RULE_IDS, ...EXTRA_RULES];

test('the vendored schema is the published OASIS one (content unchanged, whatever the whitespace)', () => {
  const schema = JSON.parse(readFileSync(SCHEMA, 'utf8')) as { $schema: string; title: string };
  assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  assert.match(schema.title, /SARIF\) Version 2\.1\.0/);
  // sha256 of JSON.stringify of @microsoft/sarif-multitool-linux@5.7.0's sarif-2.1.0.json (README.md)
  assert.equal(
    createHash('sha256').update(JSON.stringify(schema)).digest('hex'),
    '9ccf39c5a6bf3495e82262f78980290a0329c0c2553bd0833ed5e9ea6d2ae69d',
  );
});

test('the vendored schema compiles with ajv 8 and rejects a log without runs', () => {
  assert.deepEqual(validateSarif({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } } }] }), []);
  assert.notDeepEqual(validateSarif({ version: '2.1.0' }), []);
  assert.notDeepEqual(validateSarif({ version: '2.1.0', runs: [{ tool: { driver: {} } }] }), []);
});

test('lint --format sarif on a fixture with findings is valid SARIF 2.1.0', () => {
  const { code, stderr, log } = lintSarif(DEFECTS);
  assert.ok(code === 0 || code === 1, `exit ${code}: ${stderr}`);
  assert.doesNotMatch(stderr, /\n\s+at /, 'a stack trace on stderr');
  const errors = validateSarif(log);
  assert.deepEqual(errors, [], `SARIF schema errors:\n${describeErrors(errors)}`);
});

test('lint --format sarif: version, one run, the mwchain driver with all 12 rules and help texts', () => {
  const { log } = lintSarif(DEFECTS);
  assert.equal(log.version, '2.1.0');
  assert.equal(log.runs.length, 1);
  const driver = log.runs[0]!.tool.driver;
  assert.equal(driver.name, 'mwchain');
  const rules = driver.rules ?? [];
  assert.deepEqual(
    rules.map((r) => r.id).sort(),
    [...DRIVER_RULES].sort(),
    'one tool.driver.rules entry per rule id of the contract',
  );
  for (const rule of rules) {
    assert.equal(typeof rule.help?.text, 'string', `${rule.id}: no help.text`);
    assert.ok(rule.help!.text!.trim().length > 10, `${rule.id}: help.text too short: ${rule.help!.text}`);
  }
});

test('lint --format sarif: results name their rule, point at it, and use relative 1-based locations', () => {
  const { log } = lintSarif(DEFECTS);
  const run = log.runs[0]!;
  const rules = run.tool.driver.rules ?? [];
  const results = run.results ?? [];
  assert.ok(results.length > 0, 'lint-defects has findings, so the run must have results');

  const checkLocation = (loc: SarifLocation, what: string): void => {
    const uri = loc.physicalLocation?.artifactLocation?.uri;
    assert.equal(typeof uri, 'string', `${what}: no physicalLocation.artifactLocation.uri`);
    assert.doesNotMatch(
      uri!,
      /^[a-z][a-z0-9+.-]*:/i,
      `${what}: uri ${uri} has a scheme, so it is not relative`,
    );
    assert.doesNotMatch(uri!, /^\/|\\/, `${what}: uri ${uri} is absolute or uses backslashes`);
    assert.ok(
      existsSync(path.join(DEFECTS, decodeURIComponent(uri!))),
      `${what}: ${uri} is not a file of the fixture`,
    );
    const region = loc.physicalLocation?.region;
    assert.ok(region, `${what}: no region`);
    assert.ok(
      Number.isInteger(region.startLine) && region.startLine! >= 1,
      `${what}: startLine ${region.startLine}`,
    );
    assert.ok(
      Number.isInteger(region.startColumn) && region.startColumn! >= 1,
      `${what}: startColumn ${region.startColumn}`,
    );
  };

  results.forEach((result, i) => {
    const what = `result ${i} (${result.ruleId})`;
    assert.ok(DRIVER_RULES.includes(result.ruleId ?? ''), `${what}: unknown ruleId`);
    assert.equal(typeof result.ruleIndex, 'number', `${what}: no ruleIndex`);
    assert.equal(
      rules[result.ruleIndex!]?.id,
      result.ruleId,
      `${what}: ruleIndex ${result.ruleIndex} points elsewhere`,
    );
    assert.ok(result.message.text && result.message.text.length > 0, `${what}: no message text`);
    assert.ok((result.locations ?? []).length > 0, `${what}: no locations`);
    for (const loc of result.locations ?? []) checkLocation(loc, what);
    for (const loc of result.relatedLocations ?? []) checkLocation(loc, `${what} related location`);
  });
});

test('lint --format sarif has the same findings, at the same lines and columns, as --format json', () => {
  const { log } = lintSarif(DEFECTS);
  const { lint } = lintJson(DEFECTS);
  const key = (rule: string, file: string, line: number, column: number): string =>
    `${rule} ${file}:${line}:${column}`;
  const fromJson = lint.findings
    .map((f: LintFinding) => key(f.rule, f.location.file, f.location.line, f.location.column))
    .sort();
  const fromSarif = (log.runs[0]!.results ?? [])
    .map((r) => {
      const loc = r.locations?.[0]?.physicalLocation;
      return key(
        r.ruleId ?? '?',
        decodeURIComponent(loc?.artifactLocation?.uri ?? '?'),
        loc?.region?.startLine ?? 0,
        loc?.region?.startColumn ?? 0,
      );
    })
    .sort();
  assert.deepEqual(fromSarif, fromJson);
});

test('lint --format sarif on a clean fixture is valid SARIF with no results', () => {
  const { code, stderr, log } = lintSarif(fixture('lint-clean-auth'));
  assert.equal(code, 0, stderr);
  const errors = validateSarif(log);
  assert.deepEqual(errors, [], `SARIF schema errors:\n${describeErrors(errors)}`);
  assert.deepEqual(log.runs[0]?.results ?? [], []);
  assert.equal(log.runs[0]?.tool.driver.rules?.length, DRIVER_RULES.length);
});
