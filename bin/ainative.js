#!/usr/bin/env node
// `ainative <command> [options]`: every command of this repository (scripts/commands/table.ts).
// Plain JavaScript: it installs the TypeScript loader before anything TypeScript loads.
"use strict";
require("../scripts/register.js");
const { runCommandLine } = require("../scripts/commands/main.ts");
runCommandLine(process.argv.slice(2));
