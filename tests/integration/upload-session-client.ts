/** The browser's side of an upload-portal session, for the tests that drive the portal over HTTP. */

/** What opening a session answers. */
export interface OpenedSession {
  sessionId: string;
  completeUrl: string;
  files: {
    n: number;
    fileName: string;
    size: number;
    key: string;
    upload: { url: string; fields: Record<string, string> };
  }[];
  error?: string;
}

/** Sends one file as a browser would: the signed fields first, the file last. */
export async function postForm(
  upload: OpenedSession['files'][number]['upload'],
  content: Uint8Array,
  fileName: string,
): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.append('file', new Blob([content]), fileName);
  return fetch(upload.url, { method: 'POST', body: form });
}
