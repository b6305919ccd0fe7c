/**
 * Preloaded into the policy pack's process (`node -r`): the pack analyzes resources and never
 * serializes a closure, so it defers the same SDK parts as the plan (see defer-sdk.ts). Half a
 * second of the pack's start, which is on the plan's critical path.
 */
import { deferUnusedSdkParts } from "./defer-sdk";

deferUnusedSdkParts();
