// The TextMate grammar over every source of the ML policy library (stdlib/policies): no line
// leaves a string, comment or interpolation open, nothing is marked invalid, and the words
// that matter get their scopes. The assertion files in test/grammar check constructs one by one.

const fs = require("node:fs");
const path = require("node:path");
const assert = require("node:assert/strict");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const GRAMMAR = path.join(__dirname, "..", "syntaxes", "gavel.tmLanguage.json");
const STDLIB = path.join(__dirname, "..", "..", "..", "stdlib", "policies");

function sources(folder) {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith(".gavel") ? [full] : [];
  });
}

async function grammar() {
  const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scope) =>
      scope === "source.gavel" ? vsctm.parseRawGrammar(fs.readFileSync(GRAMMAR, "utf8"), GRAMMAR) : null,
  });
  return registry.loadGrammar("source.gavel");
}

/** What each token of a line must carry, by its text and the text before it. */
function expectations(line, token, text) {
  const before = line.slice(0, token.startIndex);
  const inComment = token.scopes.some((s) => s.startsWith("comment."));
  const inString = token.scopes.some((s) => s.startsWith("string."));
  const problems = [];
  const want = (scope) => {
    if (!token.scopes.some((s) => s.startsWith(scope))) problems.push(`\`${text}\` lacks ${scope}`);
  };
  if (token.scopes.some((s) => s.startsWith("invalid."))) problems.push(`\`${text}\` is marked invalid`);
  if (inComment || inString) return problems;
  if (/^\s*$/.test(before) && /^(policy|initiative)$/.test(text)) want("storage.type");
  if (/^(when|then)$/.test(text)) want("keyword.control");
  if (/^\$[A-Za-z_]/.test(text)) want("variable.other.parameter");
  if (/^\/\//.test(text)) want("comment.");
  return problems;
}

async function main() {
  const gavel = await grammar();
  const files = sources(STDLIB);
  assert.ok(files.length > 30, `the library has its policies (${files.length} found)`);
  const problems = [];
  let tokens = 0;
  for (const file of files) {
    let state = vsctm.INITIAL;
    const lines = fs.readFileSync(file, "utf8").split(/\r\n|\r|\n/);
    lines.forEach((line, number) => {
      const result = gavel.tokenizeLine(line, state);
      for (const token of result.tokens) {
        const text = line.slice(token.startIndex, token.endIndex);
        tokens += 1;
        for (const problem of expectations(line, token, text)) {
          problems.push(`${path.relative(STDLIB, file)}:${number + 1}: ${problem}`);
        }
      }
      state = result.ruleStack;
    });
    // Nothing may stay open at the end of a file: an unclosed string or comment would colour
    // everything after it.
    if (state.depth !== 1) problems.push(`${path.relative(STDLIB, file)}: a construct stays open at the end`);
  }
  if (problems.length > 0) {
    console.error(problems.slice(0, 50).join("\n"));
    process.exit(1);
  }
  console.log(`grammar: ${files.length} stdlib sources, ${tokens} tokens, no problems`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
