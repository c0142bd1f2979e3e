// Downloads: the same query asked again of /sparql with the format's media type, saved as a file.
import { failure } from "./run.js";

export const FORMATS = {
  csv: { accept: "text/csv", extension: "csv" },
  tsv: { accept: "text/tab-separated-values", extension: "tsv" },
  json: { accept: "application/sparql-results+json", extension: "json" },
  turtle: { accept: "text/turtle", extension: "ttl" },
};

/** Ask /sparql for ``text`` in ``format`` and save the answer as cqkg-results.<extension>. */
export async function download(text, format) {
  const { accept, extension } = FORMATS[format];
  const response = await fetch("sparql", { method: "POST", body: new URLSearchParams({ query: text }),
    headers: { Accept: accept } });
  if (!response.ok) throw await failure(response);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = `cqkg-results.${extension}`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}
