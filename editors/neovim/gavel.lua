-- gavel in Neovim: filetype, the language server (`gavel lsp`) and the "Show compiled JSON"
-- code lens. Copy this file to ~/.config/nvim/plugin/gavel.lua (or require it from init.lua).
-- Neovim 0.11+ uses vim.lsp.config/vim.lsp.enable; older versions (0.8+) start the server
-- from a FileType autocommand.

vim.filetype.add({ extension = { gavel = "gavel" } })

vim.api.nvim_create_autocmd("FileType", {
  pattern = "gavel",
  callback = function(args)
    vim.bo[args.buf].commentstring = "// %s"
    vim.bo[args.buf].shiftwidth = 4
    vim.bo[args.buf].expandtab = true
  end,
})

local config = {
  name = "gavel",
  cmd = { "gavel", "lsp" }, -- or the full path of the gavel executable
  filetypes = { "gavel" },
  root_markers = { "gavel.toml", ".git" },
}

if vim.lsp.config and vim.lsp.enable then
  vim.lsp.config("gavel", config)
  vim.lsp.enable("gavel")
else
  vim.api.nvim_create_autocmd("FileType", {
    pattern = "gavel",
    callback = function(args)
      local root = vim.fs.dirname(vim.fs.find(config.root_markers, { upward = true, path = vim.api.nvim_buf_get_name(args.buf) })[1])
      vim.lsp.start({ name = config.name, cmd = config.cmd, root_dir = root })
    end,
  })
end

-- The code lens above each policy runs `gavel.compiledJson`; show its result in a scratch
-- buffer. (`:lua vim.lsp.codelens.refresh()` shows the lenses, `vim.lsp.codelens.run()` runs one.)
vim.lsp.commands["gavel.compiledJson"] = function(command, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  if not client then
    return
  end
  local params = { command = command.command, arguments = command.arguments }
  local function show(err, result)
    if err then
      vim.notify("gavel: " .. err.message, vim.log.levels.ERROR)
      return
    end
    vim.cmd("vnew")
    local buf = vim.api.nvim_get_current_buf()
    vim.api.nvim_buf_set_lines(buf, 0, -1, false, vim.split(result or "", "\n"))
    vim.bo[buf].buftype = "nofile"
    vim.bo[buf].filetype = "json"
  end
  if vim.fn.has("nvim-0.11") == 1 then
    client:request("workspace/executeCommand", params, show, ctx.bufnr)
  else
    client.request("workspace/executeCommand", params, show, ctx.bufnr)
  end
end

-- Refresh code lenses and show inlay hints (the full alias behind each short name) in gavel
-- buffers.
vim.api.nvim_create_autocmd("LspAttach", {
  callback = function(args)
    local client = vim.lsp.get_client_by_id(args.data.client_id)
    if not client or client.name ~= "gavel" then
      return
    end
    vim.lsp.codelens.refresh({ bufnr = args.buf })
    vim.api.nvim_create_autocmd({ "BufEnter", "InsertLeave" }, {
      buffer = args.buf,
      callback = function()
        vim.lsp.codelens.refresh({ bufnr = args.buf })
      end,
    })
    if vim.lsp.inlay_hint and vim.lsp.inlay_hint.enable then
      pcall(vim.lsp.inlay_hint.enable, true, { bufnr = args.buf })
    end
  end,
})
