// ESLint: TypeScript rules, Pulumi's Output rules, and the layer map of DESIGN.md §2 (README
// "What is here"): imports point down, and nothing outside test/ imports test/.
import js from "@eslint/js";
import pulumi from "@pulumi/eslint-plugin";
import prettier from "eslint-config-prettier";
import importX from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";

/** What each folder may not import (the layers, from the bottom: config, providers, components, stacks, infra). */
const LAYERS = [
    {
        target: "./config",
        from: [
            "./providers",
            "./components",
            "./stacks",
            "./infra",
            "./policies",
            "./scripts",
            "./tools",
            "./bench",
            "./test",
        ],
        message: "config/ is the bottom layer: it imports nothing of the project",
    },
    {
        target: "./providers",
        from: ["./components", "./stacks", "./infra", "./policies", "./scripts", "./tools", "./bench", "./test"],
        message: "providers/ may import config/ only",
    },
    {
        target: "./components",
        from: ["./stacks", "./infra", "./policies", "./scripts", "./tools", "./bench", "./test"],
        message: "components/ may import config/ and providers/",
    },
    {
        target: "./stacks",
        from: ["./infra", "./policies", "./scripts", "./tools", "./bench", "./test"],
        message: "stacks/ may import components/, config/ and providers/",
    },
    {
        target: "./infra",
        from: ["./policies", "./scripts", "./tools", "./bench", "./test", "./components"],
        message: "infra/ composes through stacks/: it may import stacks/, config/ and providers/",
    },
    {
        target: "./policies",
        from: ["./providers", "./components", "./stacks", "./infra", "./scripts", "./tools", "./bench", "./test"],
        message: "policies/ may import config/ (schemas) only",
    },
    {
        target: "./tools",
        from: ["./components", "./stacks", "./infra", "./policies", "./scripts", "./bench", "./test"],
        message: "tools/ may import providers/ and config/",
    },
    { target: "./scripts", from: ["./test", "./bench"], message: "nothing outside test/ imports test/" },
    { target: "./bench", from: ["./test"], message: "nothing outside test/ imports test/" },
    // Nothing imports the program entry: the engine (and the offline plan) run it.
    {
        target: [
            "./config",
            "./providers",
            "./components",
            "./stacks",
            "./policies",
            "./scripts",
            "./tools",
            "./bench",
            "./test",
        ],
        from: ["./infra"],
        message: "infra/ is the program entry: nothing imports it",
    },
];

export default tseslint.config(
    {
        ignores: [
            "node_modules/**",
            "bin/**",
            ".cache/**",
            ".artifacts/**",
            "providers/railway/generated/**",
            "providers/railway/sdk/**",
            "test/fixtures/**",
            "**/*.js",
            "!eslint.config.mjs",
        ],
    },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
        plugins: { "@pulumi": pulumi, "import-x": importX },
        settings: { "import-x/resolver": { node: { extensions: [".ts", ".js", ".json"] } } },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
            "import-x/no-restricted-paths": ["error", { zones: LAYERS }],
            // The SDK's internals and lazily loaded modules are reached with require on purpose (each says why).
            "@typescript-eslint/no-require-imports": "off",
            "@typescript-eslint/no-unused-vars": [
                "error",
                { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
            ],
        },
    },
    {
        // Tests and the fakes handle arbitrary JSON (request bodies, stack files edited in place):
        // `any` is allowed there. Product code names its types, or says at the line why it cannot.
        files: ["test/**/*.ts", "tools/**/*.ts"],
        rules: { "@typescript-eslint/no-explicit-any": "off" },
    },
    prettier,
);
