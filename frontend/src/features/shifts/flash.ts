/** A message for the next screen (a pattern saved, shown on the board it leads to), read once. */
let pending: string | null = null;

export function setFlash(message: string): void {
  pending = message;
}

export function takeFlash(): string | null {
  const message = pending;
  pending = null;
  return message;
}
