/**
 * A one-off message shown on the page a form redirects to ("已分配", or what went wrong), carried in a short-lived
 * cookie rather than the URL so that nobody can put words on our page with a crafted link.
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

const FLASH_COOKIE = 'intake_flash';

/** A message for the next page. */
export interface Flash {
  kind: 'ok' | 'error';
  text: string;
}

/** Leaves a message for the next page. */
export function setFlash(c: Context, kind: Flash['kind'], text: string): void {
  setCookie(c, FLASH_COOKIE, encodeURIComponent(JSON.stringify({ kind, text: text.slice(0, 500) })), {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    maxAge: 60,
  });
}

/** Takes the message left for this page, if any. */
export function readFlash(c: Context): Flash | null {
  const value = getCookie(c, FLASH_COOKIE);
  if (!value) return null;
  deleteCookie(c, FLASH_COOKIE, { path: '/' });
  try {
    const parsed = JSON.parse(decodeURIComponent(value)) as Partial<Flash>;
    if ((parsed.kind === 'ok' || parsed.kind === 'error') && typeof parsed.text === 'string') {
      return { kind: parsed.kind, text: parsed.text };
    }
  } catch {
    // a mangled cookie shows nothing
  }
  return null;
}
