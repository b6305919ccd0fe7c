import { inspect } from "util";

/**
 * A secret configuration value before it becomes a Pulumi secret Output.
 *
 * Validation needs the plaintext (a production Stripe key must start with `sk_live_`), yet the value
 * must never reach a log line, an error message or JSON output by accident. Every way of turning
 * this object into text prints `[secret]`; only `reveal()` gives the value, and only the code that
 * wraps it into `pulumi.secret(...)` or checks a rule calls it.
 *
 * A value read from a stack file as `secure: v1:...` cannot be decrypted without the passphrase:
 * it is present but unknown (`known === false`), and rules about its content are not checked.
 */
export class SecretValue {
    readonly #value: string | undefined;

    private constructor(value: string | undefined) {
        this.#value = value;
    }

    static of(value: string): SecretValue {
        return new SecretValue(value);
    }

    /** A secret that is set (encrypted in the stack file) but whose value is not available here. */
    static unknown(): SecretValue {
        return new SecretValue(undefined);
    }

    get known(): boolean {
        return this.#value !== undefined;
    }

    /** The plaintext, or undefined when unknown. Keep the result out of strings that are printed. */
    reveal(): string | undefined {
        return this.#value;
    }

    toString(): string {
        return "[secret]";
    }

    toJSON(): string {
        return "[secret]";
    }

    [inspect.custom](): string {
        return "[secret]";
    }
}
