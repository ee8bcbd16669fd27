/** Parses a JSON column; a missing or unreadable value gives `fallback` (rows written by another version). */
export function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
