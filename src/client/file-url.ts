/** `/v1/files/<id>/<name>`, as the server serves files. */
const FILE_PATH = /\/v1\/files\/([A-Za-z0-9-]{8,64})\/[^/]*$/;

/**
 * `url` parsed, with its file id, when it is a file of the server at `apiBase` that carries no
 * ticket yet (one `client.fileUrl` must put a ticket on); undefined for any other URL.
 */
export function ticketlessFile(url: string, apiBase: URL): { url: URL; id: string } | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const filesPath = `${apiBase.pathname.replace(/\/$/, '')}/v1/files/`;
  if (u.origin !== apiBase.origin || !u.pathname.startsWith(filesPath) || u.searchParams.has('ticket')) return undefined;
  const id = FILE_PATH.exec(u.pathname)?.[1];
  return id ? { url: u, id } : undefined;
}
