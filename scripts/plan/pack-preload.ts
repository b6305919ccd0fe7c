/**
 * Preloaded into the policy pack's process (`node -r`): the pack analyzes resources and never
 * serializes a closure, and it is compiled JavaScript, so the SDK parts for those (defer-sdk.ts)
 * stay unloaded. Most of the pack's start, which is on the plan's critical path.
 */
import { deferUnusedSdkParts, skipTsNodeRegistration } from "./defer-sdk";

deferUnusedSdkParts();
skipTsNodeRegistration();
