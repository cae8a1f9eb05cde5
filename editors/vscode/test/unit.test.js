// Unit tests of the extension's pure helpers (run with `node --test` after `npm run build`).

const test = require("node:test");
const assert = require("node:assert/strict");
const links = require("../out/links.js");

test("diagnostic codes link to the explain command with the code as argument", () => {
  const link = links.explainLink("GV0105");
  assert.ok(link.startsWith("command:gavel.explain?"));
  assert.deepEqual(JSON.parse(decodeURIComponent(link.split("?")[1])), ["GV0105"]);
});

test("only gavel codes are recognised", () => {
  assert.ok(links.isGavelCode("GV0301"));
  assert.ok(!links.isGavelCode("GV301"));
  assert.ok(!links.isGavelCode("BCP037"));
  assert.ok(!links.isGavelCode(105));
  assert.ok(!links.isGavelCode(undefined));
});

test("the server is gavel on the PATH unless configured", () => {
  assert.equal(links.serverExecutable(undefined), "gavel");
  assert.equal(links.serverExecutable("   "), "gavel");
  assert.equal(links.serverExecutable(" /opt/gavel/bin/gavel "), "/opt/gavel/bin/gavel");
});

test("the server starts with `lsp` and the extra arguments", () => {
  assert.deepEqual(links.serverArguments(undefined), ["lsp"]);
  assert.deepEqual(links.serverArguments(["--stdio"]), ["lsp", "--stdio"]);
});

