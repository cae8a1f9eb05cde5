// Pure helpers of the extension, kept apart from the `vscode` module so that they can be
// tested with Node alone.

/** The command the server runs to explain a diagnostic code (`gavel explain`). */
export const EXPLAIN_COMMAND = "gavel.explain";

/** The command the server runs to compile a policy to Azure Policy JSON. */
export const COMPILED_JSON_COMMAND = "gavel.compiledJson";

/** Diagnostic codes gavel reports: `GV` and four digits. */
const CODE = /^GV\d{4}$/;

export function isGavelCode(code: unknown): code is string {
  return typeof code === "string" && CODE.test(code);
}

/** A `command:` link that runs the explain command for a code, for diagnostics to link to. */
export function explainLink(code: string): string {
  return `command:${EXPLAIN_COMMAND}?${encodeURIComponent(JSON.stringify([code]))}`;
}

/** The executable to start: the configured path, or `gavel` from the PATH. */
export function serverExecutable(configured: string | undefined): string {
  const trimmed = (configured ?? "").trim();
  return trimmed === "" ? "gavel" : trimmed;
}

/** The arguments that start the language server. */
export function serverArguments(extra: readonly string[] | undefined): string[] {
  return ["lsp", ...(extra ?? [])];
}

