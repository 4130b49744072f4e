// Golden files: compare with the file beside the test; UPDATE_GOLDEN=1 rewrites on purpose; a
// mismatch leaves `<golden>.actual` to diff against.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

export function expectGolden(goldenPath: string, actual: string): void {
  const actualPath = goldenPath + '.actual';
  if (process.env.UPDATE_GOLDEN) {
    writeFileSync(goldenPath, actual);
    rmSync(actualPath, { force: true });
    return;
  }
  if (!existsSync(goldenPath)) {
    writeFileSync(actualPath, actual);
    assert.fail(
      `missing golden ${goldenPath}; review ${actualPath} and run with UPDATE_GOLDEN=1 to accept it`,
    );
  }
  const expected = readFileSync(goldenPath, 'utf8');
  if (expected !== actual) writeFileSync(actualPath, actual);
  else rmSync(actualPath, { force: true });
  assert.equal(actual, expected, `${goldenPath} differs; see ${actualPath}`);
}
