// One owner of the post (issue 12): no file in src/ other than the post store (post-store.repo.ts
// and the parts beside it in posts/store/) has a SQL statement on posts, entries, attempts or
// post_labels. Migrations create those tables and are exempt.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../../../..');
const STORE = 'src/main/core/posts/post-store.repo.ts';
const STORE_PARTS = 'src/main/core/posts/store/';
const TABLES = ['posts', 'entries', 'attempts', 'post_labels'];
// A statement that reads or writes one of the tables (SQL keywords are upper case in this codebase).
const STATEMENT = new RegExp(`\\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\\s+(?:${TABLES.join('|')})\\b`);

/** Every string literal of a source file (template literals may span lines: SQL usually does). */
const LITERALS = /`(?:\\[\s\S]|[^`\\])*`|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"/g;
const statementsIn = (text: string) => (text.match(LITERALS) ?? []).filter((s) => STATEMENT.test(s));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'migrations' ? [] : sources(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

describe('the post store owns the post aggregate', () => {
  it('no other file in src/ has SQL on posts, entries, attempts or post_labels', () => {
    const offenders: string[] = [];
    for (const file of sources(join(ROOT, 'src'))) {
      const rel = relative(ROOT, file);
      if (rel === STORE || rel.startsWith(STORE_PARTS)) continue;
      // Only string literals hold SQL; prose in comments may say "from posts".
      for (const sql of statementsIn(readFileSync(file, 'utf8'))) offenders.push(`${rel}: ${sql.replace(/\s+/g, ' ').slice(0, 120)}`);
    }
    expect(offenders).toEqual([]);
  });

  it('the check sees the store itself (it would catch a statement moved elsewhere)', () => {
    expect(statementsIn(readFileSync(join(ROOT, STORE), 'utf8')).length).toBeGreaterThan(40);
    expect(statementsIn(readFileSync(join(ROOT, STORE_PARTS, 'history.ts'), 'utf8')).length).toBeGreaterThan(5);
  });
});
