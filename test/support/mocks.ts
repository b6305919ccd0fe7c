import * as pulumi from "@pulumi/pulumi";

/** Resolves an Output's value in tests (as pulumi-awsx's tests do). */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply(resolve));
}

export interface CapturedResource {
    type: string;
    name: string;
    inputs: Record<string, any>;
    parent?: string;
    protect?: boolean;
    urn: string;
}

/**
 * Installs Pulumi's mock runtime with the given stack and config, capturing every resource
 * registration (type, name, inputs, parent). Returns the capture list, filled as the program runs.
 */
export function installMocks(stack: string, config: Record<string, string>, secretKeys: string[], project = "ainative-platform"): CapturedResource[] {
    const captured: CapturedResource[] = [];
    pulumi.runtime.setAllConfig(config, secretKeys);
    pulumi.runtime.setMocks(
        {
            newResource(args: pulumi.runtime.MockResourceArgs) {
                const urn = `urn:pulumi:${stack}::${project}::${args.type}::${args.name}`;
                captured.push({ type: args.type, name: args.name, inputs: args.inputs, urn });
                return { id: `${args.name}-id`, state: { ...args.inputs } };
            },
            call(args: pulumi.runtime.MockCallArgs) {
                return args.inputs;
            },
        },
        project,
        stack,
        true,
    );
    return captured;
}
