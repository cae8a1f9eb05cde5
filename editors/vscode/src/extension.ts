// The gavel extension: starts `gavel lsp` and shows what the server computes (compiled JSON,
// explanations of diagnostic codes) in editors of their own.

import * as vscode from "vscode";
import {
  Executable,
  LanguageClient,
  LanguageClientOptions,
  Middleware,
  ServerOptions,
} from "vscode-languageclient/node";

import {
  COMPILED_JSON_COMMAND,
  EXPLAIN_COMMAND,
  explainLink,
  isGavelCode,
  serverArguments,
  serverExecutable,
} from "./links";

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("gavel.restartServer", () => restart(context)),
    vscode.commands.registerCommand("gavel.showCompiledJson", showCompiledJson),
    vscode.commands.registerCommand("gavel.showExplanation", showExplanation),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("gavel.server")) {
        await restart(context);
      }
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const config = vscode.workspace.getConfiguration("gavel");
  const executable: Executable = {
    command: serverExecutable(config.get<string>("server.path")),
    args: serverArguments(config.get<string[]>("server.extraArgs")),
  };
  const serverOptions: ServerOptions = { run: executable, debug: executable };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "gavel" },
      { scheme: "untitled", language: "gavel" },
    ],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.gavel") },
    middleware,
  };
  client = new LanguageClient("gavel", "gavel", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    client = undefined;
    const choice = await vscode.window.showErrorMessage(
      `gavel: cannot start \`${executable.command} lsp\` (${String(error)}). ` +
        "Install gavel or set `gavel.server.path`.",
      "Open Settings",
    );
    if (choice === "Open Settings") {
      await vscode.commands.executeCommand("workbench.action.openSettings", "gavel.server.path");
    }
  }
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  await client?.stop();
  client = undefined;
  await start(context);
}

const middleware: Middleware = {
  // Diagnostic codes link to their explanation.
  handleDiagnostics(uri, diagnostics, next) {
    for (const diagnostic of diagnostics) {
      if (isGavelCode(diagnostic.code)) {
        diagnostic.code = { value: diagnostic.code, target: vscode.Uri.parse(explainLink(diagnostic.code)) };
      }
    }
    next(uri, diagnostics);
  },
  // The server's commands return text; show it.
  async executeCommand(command, args, next) {
    const result = await next(command, args);
    if (typeof result === "string" && command === COMPILED_JSON_COMMAND) {
      await showText(result, "json");
    } else if (typeof result === "string" && command === EXPLAIN_COMMAND) {
      await showText(result, "markdown");
    }
    return result;
  },
};

async function showText(content: string, language: string): Promise<void> {
  const document = await vscode.workspace.openTextDocument({ content, language });
  await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true });
}

/** The compiled JSON of the policy or initiative under the cursor. */
async function showCompiledJson(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== "gavel") {
    return;
  }
  const position = { line: editor.selection.active.line, character: editor.selection.active.character };
  try {
    await vscode.commands.executeCommand(COMPILED_JSON_COMMAND, editor.document.uri.toString(), position);
  } catch (error) {
    await vscode.window.showErrorMessage(`gavel: ${errorMessage(error)}`);
  }
}

async function showExplanation(): Promise<void> {
  const code = await vscode.window.showInputBox({
    prompt: "A gavel diagnostic code",
    placeHolder: "GV0105",
    validateInput: (value) => (isGavelCode(value.trim().toUpperCase()) ? undefined : "a code such as GV0105"),
  });
  if (code) {
    await vscode.commands.executeCommand(EXPLAIN_COMMAND, code.trim().toUpperCase());
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
