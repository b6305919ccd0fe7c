/**
 * The fake GitHub's key pair for Actions secrets: what `GET …/secrets/public-key` hands out, and
 * what opens the libsodium sealed boxes clients send (GitHub stores secrets the same way), so a
 * test proves a secret arrived intact without it ever crossing the wire in clear.
 */
interface Sodium {
    ready: Promise<void>;
    crypto_box_keypair(): { publicKey: Uint8Array; privateKey: Uint8Array };
    crypto_box_seal_open(ciphertext: Uint8Array, publicKey: Uint8Array, privateKey: Uint8Array): Uint8Array;
    from_base64(text: string, variant: number): Uint8Array;
    to_base64(bytes: Uint8Array, variant: number): string;
    to_string(bytes: Uint8Array): string;
    base64_variants: { ORIGINAL: number };
}

export interface SealedBoxes {
    keyId: string;
    /** The public key as GitHub gives it: standard base64 of 32 bytes. */
    publicKey: string;
    /** Opens a sealed box (base64); undefined when it is not one sealed to this key. */
    open(encrypted: string): string | undefined;
}

export async function sealedBoxes(): Promise<SealedBoxes> {
    const sodium = require("libsodium-wrappers") as Sodium;
    await sodium.ready;
    const pair = sodium.crypto_box_keypair();
    const b64 = sodium.base64_variants.ORIGINAL;
    return {
        keyId: `568250167242549743`,
        publicKey: sodium.to_base64(pair.publicKey, b64),
        open(encrypted) {
            try {
                return sodium.to_string(
                    sodium.crypto_box_seal_open(sodium.from_base64(encrypted, b64), pair.publicKey, pair.privateKey),
                );
            } catch {
                return undefined;
            }
        },
    };
}
