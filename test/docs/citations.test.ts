import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The repository must explain itself: every document its comments cite is in docs/, every section
 * title cited exists there, and nothing points at a path outside the repository. Citations have the
 * form `docs/<file>.md, section "<title>"` (or `sections "<a>" and "<b>"`, or just `"<title>"` right
 * after the file name); a section title that gets renamed must be renamed at its citations too.
 */
const root = path.resolve(import.meta.dirname, '../..');

function trackedFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
  return out.split('\n').filter((f) => f !== '' && f !== 'package-lock.json' && existsSync(path.join(root, f)) && statSync(path.join(root, f)).isFile());
}

function headings(doc: string): Set<string> {
  const titles = new Set<string>();
  for (const line of readFileSync(path.join(root, doc), 'utf8').split('\n')) {
    const m = /^#{2,4} (.+)$/.exec(line);
    if (m?.[1] !== undefined) titles.add(m[1].trim());
  }
  return titles;
}

interface Citation {
  file: string;
  doc: string;
  title: string;
}

/** Comment markers and line breaks removed, so a citation wrapped over lines reads as one. */
function flatten(text: string): string {
  return text.replace(/\n\s*(\*|\/\/|#)?\s*/g, ' ');
}

function citations(file: string, text: string): Citation[] {
  const found: Citation[] = [];
  const flat = flatten(text);
  const title = `(?:"[^"]+"|'[^']+')`;
  const cite = new RegExp(`docs/([a-z-]+\\.md)\\]?(?:\\([^)]*\\))?,? ?((?:sections? )?${title}(?:(?:,| and| to) ${title})*)?`, 'g');
  for (const m of flat.matchAll(cite)) {
    const doc = `docs/${m[1] ?? ''}`;
    for (const t of (m[2] ?? '').matchAll(/"([^"]+)"|'([^']+)'/g)) found.push({ file, doc, title: t[1] ?? t[2] ?? '' });
    if (m[2] === undefined) found.push({ file, doc, title: '' });
  }
  return found;
}

describe('docs/ is the knowledge home', () => {
  const files = trackedFiles();

  it('no file refers to a path outside the repository', () => {
    const offenders = files.filter((f) => /shared\/design|\/work\//.test(readFileSync(path.join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('every cited document and section title exists', () => {
    const missing: string[] = [];
    let checked = 0;
    for (const file of files) {
      if (!/\.(ts|c|h|S|py|sh|ld|mk|proto|md)$|Makefile$/.test(file)) continue;
      for (const c of citations(file, readFileSync(path.join(root, file), 'utf8'))) {
        checked++;
        if (!existsSync(path.join(root, c.doc))) {
          missing.push(`${c.file}: ${c.doc} does not exist`);
        } else if (c.title !== '' && !headings(c.doc).has(c.title)) {
          missing.push(`${c.file}: ${c.doc} has no section "${c.title}"`);
        }
      }
    }
    expect(missing).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });
});
